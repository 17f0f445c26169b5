package config

import "go.yaml.in/yaml/v3"

// Listener is the address an enabled channel's source listens on.
type Listener struct {
	Channel string // the channel's name
	Type    string // the source's connector type
	Addr    string // its listen option, as written
	TLS     bool   // whether its options have a tls section
}

// Listeners returns the listen addresses of the enabled channels' sources
// (those with a listen option), in channel order, so that plexus serve can
// warn about the ones that take patient data off loopback in clear text.
func (c *Config) Listeners() []Listener {
	var out []Listener
	for _, ch := range c.Channels {
		if !ch.Enabled || ch.Source.node == nil {
			continue
		}
		l := Listener{Channel: ch.Name, Type: ch.Source.Type}
		content := ch.Source.node.Content
		for i := 0; i+1 < len(content); i += 2 {
			v := resolve(content[i+1])
			switch resolve(content[i]).Value {
			case "listen":
				if v.Kind == yaml.ScalarNode {
					l.Addr = v.Value
				}
			case "tls":
				l.TLS = !isNull(v)
			}
		}
		if l.Addr != "" {
			out = append(out, l)
		}
	}
	return out
}
