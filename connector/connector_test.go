package connector

import (
	"testing"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

func TestRegisterAll(t *testing.T) {
	r := engine.NewRegistry()
	RegisterAll(r)
	sources := map[string]string{
		"mllp":  "listen: 127.0.0.1:0",
		"http":  "listen: 127.0.0.1:0",
		"file":  "dir: " + t.TempDir(),
		"nats":  "{url: nats://127.0.0.1:4222, stream: IN, consumer: plexus}",
		"dicom": "{listen: 127.0.0.1:0, ae_title: PLEXUS}",
	}
	for typ, opts := range sources {
		f, err := r.Source(typ)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f(conntest.Env(t, nil), conntest.Options(opts)); err != nil {
			t.Errorf("source %s: %v", typ, err)
		}
	}
	destinations := map[string]string{
		"mllp":  "address: 127.0.0.1:2575",
		"http":  "url: http://127.0.0.1:8080/",
		"file":  "dir: " + t.TempDir(),
		"nats":  "{url: nats://127.0.0.1:4222, subject: plexus.out}",
		"dicom": "{address: 127.0.0.1:104, called_ae: PACS}",
	}
	for typ, opts := range destinations {
		f, err := r.Destination(typ)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f(conntest.Env(t, nil), conntest.Options(opts)); err != nil {
			t.Errorf("destination %s: %v", typ, err)
		}
	}
	if _, err := r.Source("ftp"); err == nil {
		t.Error("unknown type found")
	}
}
