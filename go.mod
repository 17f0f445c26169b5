module github.com/plexus-health/plexus

go 1.26.8

require golang.org/x/text v0.31.0
