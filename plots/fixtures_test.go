package plots

import (
	"math"
	"time"
)

// Small fixed result sets for the golden images, shaped like the rows
// experiments reads from its result files.

// sweepFixture is handshake time against loss for two variants, with 95 %
// intervals, as in summary.csv.
func sweepFixture() []SweepSeries {
	loss := []float64{0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3}
	three := []float64{0.0612, 0.0812, 0.1018, 0.1621, 0.2703, 0.5802, 1.0521}
	two := []float64{0.0411, 0.0512, 0.0624, 0.0955, 0.1532, 0.2911, 0.4899}
	hw := []float64{0.002, 0.006, 0.009, 0.015, 0.024, 0.05, 0.09}
	mk := func(means []float64, scale float64) []SweepPoint {
		ps := make([]SweepPoint, len(loss))
		for i := range loss {
			ps[i] = SweepPoint{X: loss[i], Mean: means[i], Lo: means[i] - hw[i]*scale, Hi: means[i] + hw[i]*scale}
		}
		return ps
	}
	return []SweepSeries{{Name: "three-way", Points: mk(three, 1)}, {Name: "two-way", Points: mk(two, 0.7)}}
}

// handshakeCurve is the analytic mean for loss p in both directions.
var handshakeCurve = HandshakeModel{RTO: time.Second, ClientRetries: 6, ServerRetries: 5, Delay: 30 * time.Millisecond}.LossCurve()

// cdfFixture is handshake latencies of two variants, from a fixed
// deterministic generator (no randomness in tests of drawing).
func cdfFixture() []SampleSeries {
	gen := func(n int, base, rto float64, pLoss float64, failEvery int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			u := math.Mod(float64(i)*0.6180339887498949+0.1, 1)
			x := base * (1 + 0.3*u)
			k := 0
			for v := math.Mod(float64(i)*0.7548776662466927, 1); v < pLoss && k < 4; v = math.Mod(v*7.31+0.17, 1) {
				x += rto * math.Pow(2, float64(k))
				k++
			}
			xs[i] = x
			if failEvery > 0 && i%failEvery == failEvery-1 {
				xs[i] = math.Inf(1)
			}
		}
		return xs
	}
	return []SampleSeries{
		{Name: "three-way", Samples: gen(400, 0.06, 1, 0.18, 50)},
		{Name: "two-way", Samples: gen(400, 0.04, 1, 0.1, 0)},
	}
}

// occupancyFixture is the client side of a connection-churn run: a
// connection every 0.2 s for 40 s, each spending fixed times in its states,
// TIME-WAIT lasting 2 MSL = 20 s, sampled every 0.5 s; plus the server's
// listener.
func occupancyFixture() Occupancy {
	phases := []struct {
		state string
		dur   float64
	}{{"SYN-SENT", 0.15}, {"ESTABLISHED", 2.5}, {"FIN-WAIT-1", 0.3}, {"FIN-WAIT-2", 0.6}, {"TIME-WAIT", 20}}
	var o Occupancy
	for t := 0.0; t <= 70; t += 0.5 {
		o.Time = append(o.Time, t)
	}
	o.States = append(o.States, StateCounts{State: "CLOSED", Counts: make([]float64, len(o.Time))})
	listen := StateCounts{State: "LISTEN", Counts: make([]float64, len(o.Time))}
	for i := range listen.Counts {
		listen.Counts[i] = 1
	}
	o.States = append(o.States, listen)
	for _, ph := range phases {
		o.States = append(o.States, StateCounts{State: ph.state, Counts: make([]float64, len(o.Time))})
	}
	for c := 0; c < 200; c++ {
		start := 0.2*float64(c) + 0.013
		for k, ph := range phases {
			end := start + ph.dur
			for i, t := range o.Time {
				if t >= start && t < end {
					o.States[2+k].Counts[i]++
				}
			}
			start = end
		}
	}
	return o
}

// heatFixture is the mean handshake time over loss × RTT, one point
// missing.
func heatFixture() Grid {
	g := Grid{X: []string{"0", "0.01", "0.05", "0.1", "0.2"}, Y: []string{"10ms", "50ms", "100ms", "200ms"}}
	rtts := []float64{0.010, 0.050, 0.100, 0.200}
	loss := []float64{0, 0.01, 0.05, 0.1, 0.2}
	for _, rtt := range rtts {
		row := make([]float64, len(loss))
		for i, p := range loss {
			row[i] = rtt + 2*p*(1+4*p)
		}
		g.Z = append(g.Z, row)
	}
	g.Z[3][4] = math.NaN()
	return g
}

// fixtureLegal is a legality for the coverage tests: RFC 9293's Figure 5
// arcs and its deletions to CLOSED. The product's one table is
// endpoint.Legal, which plots does not import.
func fixtureLegal(from, to string) bool {
	if to == "CLOSED" {
		return from != "CLOSED"
	}
	switch from + " " + to {
	case "CLOSED LISTEN", "CLOSED SYN-SENT", "LISTEN SYN-RECEIVED", "LISTEN SYN-SENT",
		"SYN-SENT SYN-RECEIVED", "SYN-SENT ESTABLISHED", "SYN-RECEIVED ESTABLISHED",
		"SYN-RECEIVED FIN-WAIT-1", "SYN-RECEIVED LISTEN", "SYN-RECEIVED CLOSE-WAIT",
		"ESTABLISHED FIN-WAIT-1", "ESTABLISHED CLOSE-WAIT", "FIN-WAIT-1 FIN-WAIT-2",
		"FIN-WAIT-1 CLOSING", "FIN-WAIT-1 TIME-WAIT", "FIN-WAIT-2 TIME-WAIT",
		"CLOSE-WAIT LAST-ACK", "CLOSING TIME-WAIT":
		return true
	}
	return false
}

// coverageFixture is the transitions of a small run of clients and a
// server, with one illegal transition (ESTABLISHED → LISTEN) planted.
func coverageFixture() []Transition {
	return []Transition{
		{"CLOSED", "LISTEN", 1},
		{"CLOSED", "SYN-SENT", 1200},
		{"LISTEN", "SYN-RECEIVED", 1187},
		{"SYN-SENT", "ESTABLISHED", 1181},
		{"SYN-SENT", "CLOSED", 19},
		{"SYN-SENT", "SYN-RECEIVED", 2},
		{"SYN-RECEIVED", "ESTABLISHED", 1183},
		{"SYN-RECEIVED", "LISTEN", 4},
		{"ESTABLISHED", "FIN-WAIT-1", 1180},
		{"ESTABLISHED", "CLOSE-WAIT", 1179},
		{"ESTABLISHED", "CLOSED", 3},
		{"FIN-WAIT-1", "FIN-WAIT-2", 1150},
		{"FIN-WAIT-1", "TIME-WAIT", 25},
		{"FIN-WAIT-1", "CLOSING", 5},
		{"FIN-WAIT-2", "TIME-WAIT", 1150},
		{"CLOSING", "TIME-WAIT", 5},
		{"CLOSE-WAIT", "LAST-ACK", 1179},
		{"LAST-ACK", "CLOSED", 1179},
		{"TIME-WAIT", "CLOSED", 1172},
		{"ESTABLISHED", "LISTEN", 2},
	}
}

// occupancyPanelsFixture is two sweep points of a busy server, by end:
// when the server closes, it holds the TIME-WAITs; when the client closes,
// the client does.
func occupancyPanelsFixture() []OccupancyPanel {
	var out []OccupancyPanel
	for _, closer := range []string{"server", "client"} {
		var o Occupancy
		for t := 0.0; t <= 60; t += 1 {
			o.Time = append(o.Time, t)
		}
		for _, end := range []string{"client", "server"} {
			tw := StateCounts{State: "TIME-WAIT", End: end, Counts: make([]float64, len(o.Time))}
			est := StateCounts{State: "ESTABLISHED", End: end, Counts: make([]float64, len(o.Time))}
			for i, t := range o.Time {
				est.Counts[i] = 12 + float64(i%3)
				if end == closer {
					tw.Counts[i] = 500 * math.Min(t, 40)
					if t > 40 {
						tw.Counts[i] = math.Max(0, 20000-500*(t-40))
					}
				}
			}
			o.States = append(o.States, est, tw)
		}
		out = append(out, OccupancyPanel{Title: "close: " + closer, Occupancy: o})
	}
	return out
}

// heatCrowdedFixture is a metric over ten MSL values (long labels, as a
// log sweep of durations prints them) and six arrival rates, with counts
// in the thousands.
func heatCrowdedFixture() Grid {
	g := Grid{Y: []string{"50/s", "100/s", "200/s", "500/s", "1000/s", "2000/s"}}
	for i := 0; i < 10; i++ {
		g.X = append(g.X, FormatValue(0.1*math.Pow(2, float64(i)), Seconds))
	}
	for j := range g.Y {
		row := make([]float64, len(g.X))
		for i := range row {
			row[i] = math.Round(float64((j+1)*(i+1)*(i+1)) * 31)
		}
		g.Z = append(g.Z, row)
	}
	return g
}
