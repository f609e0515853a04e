package experiments

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"tcpsim/experiments/config"
)

// EstimateCost names the field behind an experiment that cannot fit: the
// four settings of issue 16's finding 5 each exhausted 5-7 GB after 10-22 s.
func TestEstimateNamesTheField(t *testing.T) {
	const limit = 4 << 30
	for _, tc := range []struct {
		file  string
		sets  []string
		field string // "" for an experiment that fits
	}{
		{"simultaneous-close.yaml", []string{"replications=1000000000"}, "replications"},
		{"busy-server.yaml", []string{"workloads[0].arrivals={closed: {clients: 1000000000}}"}, "workloads[0].arrivals.closed.clients"},
		// The count is bounded by the rate and stop.max_time (1 h):
		// 3.6·10^7 connections, about 14 GB when a TIME-WAIT of an hour
		// keeps them all; with million-connections' 4 s TIME-WAIT only
		// 60,000 live at once, which fit.
		{"million-connections.yaml", []string{"workloads[0].count=1000000000", "hosts[0].tcp.time_wait=1h"}, "workloads[0].arrivals.poisson"},
		{"million-connections.yaml", []string{"workloads[0].count=1000000000"}, ""},
		{"hundred-million.yaml", nil, ""},
		{"time-wait-assassination.yaml", []string{"injections[0].replay.copies=1000000000"}, "injections[0].replay.copies"},
		{"busy-server.yaml", []string{"record.occupancy.interval=1us"}, "record.occupancy.interval"},
		// A huge rate is bounded by the count: it fits.
		{"handshake-under-loss.yaml", []string{"workloads[0].arrivals={poisson: 1000000000/s}"}, ""},
		{"million-connections.yaml", nil, ""},
		{"old-duplicate-syn.yaml", []string{"record.connections=true"}, ""},
	} {
		sets := tc.sets
		e, err := config.Load(filepath.Join("catalog", tc.file), sets...)
		if err != nil {
			t.Fatalf("%s %v: %v", tc.file, tc.sets, err)
		}
		est := EstimateCost(e, 2, 1)
		err = est.Check(limit, "test")
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s %v: %v; want it to fit (%s)", tc.file, tc.sets, err, est)
		case tc.field != "" && (!errors.Is(err, errTooBig) || !strings.Contains(err.Error(), "from "+tc.field+":")):
			t.Errorf("%s --set %v: Check = %v; want errTooBig naming %s (%s)", tc.file, tc.sets, err, tc.field, est)
		}
	}
}

// The estimate of the scale run is within a small factor of what it
// measured: 2·10^5 connections, 3.3·10^6 events, about 130 MB resident.
func TestEstimateScale(t *testing.T) {
	e, err := config.Load("catalog/million-connections.yaml", "workloads[0].count=200000")
	if err != nil {
		t.Fatal(err)
	}
	est := EstimateCost(e, 1, 1)
	if est.Events < 1e6 || est.Events > 1e7 || est.Memory < 64<<20 || est.Memory > 512<<20 {
		t.Errorf("estimate %s; want 10^6-10^7 events and 64-512 MiB", est)
	}
}

// Result files that would not fit on the disk are refused before the
// first run, naming the field that makes them big.
func TestEstimateCheckDisk(t *testing.T) {
	e, err := config.Load("catalog/million-connections.yaml", "record.connections=true")
	if err != nil {
		t.Fatal(err)
	}
	est := EstimateCost(e, 1, 1)
	for _, tc := range []struct {
		free int64
		ok   bool
	}{{100 << 20, false}, {10 << 30, true}, {0, true}} {
		err := est.CheckDisk(tc.free, "results/x")
		if (err == nil) != tc.ok || err != nil && (!errors.Is(err, errTooBig) || !strings.Contains(err.Error(), "workloads[0].count")) {
			t.Errorf("CheckDisk(%d) with %s of results = %v; want ok %v, else naming workloads[0].count", tc.free, Bytes(est.Results), err, tc.ok)
		}
	}
}
