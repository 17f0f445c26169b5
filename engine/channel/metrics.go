package channel

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus series channels report. One set serves every
// channel of a process, labelled by channel and destination.
type Metrics struct {
	Received    *prometheus.CounterVec   // channel
	Filtered    *prometheus.CounterVec   // channel
	Duplicates  *prometheus.CounterVec   // channel
	Errored     *prometheus.CounterVec   // channel
	Delivered   *prometheus.CounterVec   // channel, destination
	Failed      *prometheus.CounterVec   // channel, destination (attempts that failed)
	DeadLetters *prometheus.CounterVec   // channel, destination
	Queued      *prometheus.GaugeVec     // channel, destination
	AckLatency  *prometheus.HistogramVec // channel: receipt to answer
	Delivery    *prometheus.HistogramVec // channel, destination: one attempt
	EndToEnd    *prometheus.HistogramVec // channel, destination: receipt to delivered
}

// NewMetrics creates the series and registers them with reg (nil: not
// registered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	ch := []string{"channel"}
	cd := []string{"channel", "destination"}
	latency := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}
	m := &Metrics{
		Received:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_messages_received_total", Help: "Messages received and journaled."}, ch),
		Filtered:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_messages_filtered_total", Help: "Messages the channel filter stopped."}, ch),
		Duplicates:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_messages_duplicate_total", Help: "Messages suppressed as duplicates of (sender, MSH-10)."}, ch),
		Errored:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_messages_errored_total", Help: "Messages refused as malformed or failing a transform."}, ch),
		Delivered:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_deliveries_delivered_total", Help: "Deliveries accepted by their destination."}, cd),
		Failed:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_delivery_attempts_failed_total", Help: "Delivery attempts that failed."}, cd),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "plexus_deliveries_dead_total", Help: "Deliveries dead-lettered."}, cd),
		Queued:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "plexus_queue_depth", Help: "Pending deliveries per destination queue, counted every few seconds."}, cd),
		AckLatency:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "plexus_ack_latency_seconds", Help: "Time from receipt to the answer to the sender.", Buckets: latency}, ch),
		Delivery:    prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "plexus_delivery_attempt_seconds", Help: "Duration of one delivery attempt.", Buckets: latency}, cd),
		EndToEnd:    prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "plexus_delivery_latency_seconds", Help: "Time from receipt to successful delivery.", Buckets: latency}, cd),
	}
	if reg != nil {
		reg.MustRegister(m.Received, m.Filtered, m.Duplicates, m.Errored, m.Delivered, m.Failed, m.DeadLetters,
			m.Queued, m.AckLatency, m.Delivery, m.EndToEnd)
	}
	return m
}
