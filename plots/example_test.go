package plots_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"tcpsim/plots"
)

// The analytic handshake model: mean establishment time of the connections
// that are established, and the fraction that are, for 10 % loss each way.
func ExampleHandshakeModel_Solve() {
	m := plots.HandshakeModel{
		LossForward: 0.1, LossReverse: 0.1,
		RTO: time.Second, ClientRetries: 6, ServerRetries: 5,
		Delay: 25 * time.Millisecond,
	}
	st, err := m.Solve()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("P(established) = %.7f, E[T | established] = %.4f s\n", st.Success, st.MeanTime)
	// Output:
	// P(established) = 0.9999997, E[T | established] = 0.3000 s
}

// A sweep figure as experiments draws it: one series per variant from
// summary.csv, with the analytic curve over it, saved as PDF.
func ExampleSweep() {
	loss := []float64{0.01, 0.05, 0.1, 0.2}
	model := func(p float64) float64 {
		return plots.HandshakeModel{LossForward: p, LossReverse: p, RTO: time.Second,
			ClientRetries: 6, ServerRetries: 5, Delay: 25 * time.Millisecond}.MeanTime()
	}
	var pts []plots.SweepPoint
	for _, p := range loss {
		m := model(p) * 1.02 // stand-in for a measured mean
		pts = append(pts, plots.SweepPoint{X: p, Mean: m, Lo: m * 0.95, Hi: m * 1.05})
	}
	fig, err := plots.Sweep([]plots.SweepSeries{{Name: "three-way", Points: pts}}, plots.SweepOptions{
		XLabel: "loss probability p", YLabel: "handshake time (s)", LogX: true,
		Analytic: []plots.Analytic{{Name: "model", F: model}},
	})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "plots")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := fig.Save(filepath.Join(dir, "handshake.pdf")); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("saved, %.1f in by %.1f in\n", fig.Size.Width.Points()/72, fig.Size.Height.Points()/72)
	// Output:
	// saved, 3.5 in by 2.4 in
}
