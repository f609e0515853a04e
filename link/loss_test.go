package link

import (
	"math"
	"testing"
	"time"

	"tcpsim/engine"
)

// lossSeq runs a valid Loss on its own stream for n packets of the given
// size and returns the fates (true = lost).
func lossSeq(t *testing.T, l Loss, n, size int) []bool {
	t.Helper()
	if err := l.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	m := newLossModel(l, engine.NewStreams(11, 0).Source("loss"))
	out := make([]bool, n)
	for i := range out {
		out[i] = m.lost(size)
	}
	return out
}

func count(xs []bool) int {
	c := 0
	for _, x := range xs {
		if x {
			c++
		}
	}
	return c
}

// TestBernoulliRate: the number lost is Binomial(n, p); tolerance
// z√(np(1−p)). Per byte or bit, p = 1−(1−P)^units.
func TestBernoulliRate(t *testing.T) {
	const n = 1_000_000
	tests := []struct {
		name string
		loss Loss
		size int
		p    float64
	}{
		// n=10⁶, p=0.01: σ = 99.5, tolerance 497 around 10 000.
		{"1% per packet", Loss{Model: Bernoulli, P: 0.01}, 1500, 0.01},
		{"30% per packet", Loss{Model: Bernoulli, P: 0.3}, 40, 0.3},
		{"unit packet", Loss{Model: Bernoulli, P: 0.05, Unit: "packet"}, 40, 0.05},
		// ns-3's RateErrorModel: 1−(1−10⁻⁴)^1500 = 0.1393.
		{"per byte", Loss{Model: Bernoulli, P: 1e-4, Unit: PerByte}, 1500, 1 - math.Pow(1-1e-4, 1500)},
		{"per bit", Loss{Model: Bernoulli, P: 1e-5, Unit: PerBit}, 1500, 1 - math.Pow(1-1e-5, 12000)},
		{"certain", Loss{Model: Bernoulli, P: 1}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			within(t, "MeanRate", tt.loss.MeanRate(tt.size), tt.p, 1e-12, "closed form")
			got := count(lossSeq(t, tt.loss, n, tt.size))
			within(t, "lost", float64(got), n*tt.p, binomialTol(n, tt.p), "binomial zσ")
		})
	}
}

// TestBernoulliThroughLink checks the loss stage end to end: Counters.Lost
// over n = 10⁵ packets is Binomial(n, 0.02) (tolerance z·√(n·0.02·0.98) =
// 221), and every packet is accounted for.
func TestBernoulliThroughLink(t *testing.T) {
	const n = 100_000
	r := newRig(t, Config{Delay: time.Millisecond, Loss: Loss{Model: Bernoulli, P: 0.02}}, 3)
	r.sendEvery(n, 100, 10*time.Microsecond)
	c := r.l.Counters()
	within(t, "Lost", float64(c.Lost), n*0.02, binomialTol(n, 0.02), "binomial zσ")
	if c.Delivered+c.Lost != n || len(r.rx.got) != int(c.Delivered) {
		t.Errorf("counters %+v, receiver got %d", c, len(r.rx.got))
	}
	checkConservation(t, c)
}

// TestLossDrawOrder pins the order of state update and loss draw with
// degenerate chains whose fates are certain.
func TestLossDrawOrder(t *testing.T) {
	tests := []struct {
		name string
		loss Loss
		want string // x = lost, . = delivered
	}{
		// netem's loss_gilb_ell draws the transition first and then the
		// loss with the probability of the state the packet found: packet
		// 0 finds the good state (moving to bad) and is delivered.
		{"gilbert-elliott alternates, good first", Loss{Model: GilbertElliott, P: 1, R: 1, LossBad: 1}, ".x.x.x.x"},
		{"gilbert-elliott alternates, loss in good", Loss{Model: GilbertElliott, P: 1, R: 1, LossGood: 1}, "x.x.x.x."},
		// netem's loss_4state: the fate is the state entered.
		{"4-state burst loss", Loss{Model: FourState, P13: 1, P31: 1}, "x.x.x.x."},
		{"4-state isolated loss", Loss{Model: FourState, P14: 1}, "x.x.x.x."},
		{"burst of 3 every packet", Loss{Model: Burst, P: 1, BurstMin: 3, BurstMax: 3}, "xxxxxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b []byte
			for _, lost := range lossSeq(t, tt.loss, len(tt.want), 100) {
				b = append(b, ".x"[btoi(lost)])
			}
			if string(b) != tt.want {
				t.Errorf("fates %s, want %s", b, tt.want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// geVariance returns the asymptotic variance per packet of the loss count of
// a stationary Gilbert-Elliott chain, and the bias of the count when the
// chain starts in the good state instead.
//
// With λ = 1−P−R the chain's second eigenvalue, πB = P/(P+R), πG = 1−πB
// and loss probabilities ℓG, ℓB, the loss indicators have mean m, variance
// m(1−m) and, for lag k ≥ 1, covariance (ℓB−ℓG)²πGπBλ^k (the loss draws
// are independent given the states, and the states' indicator has
// autocovariance πGπBλ^k). Summing: σ² = m(1−m) + 2(ℓB−ℓG)²πGπB·λ/(1−λ).
// Starting in the good state, P(bad at k) = πB(1−λ^k), so the expected
// count falls short by πB(ℓB−ℓG)·Σλ^k = πB(ℓB−ℓG)/(1−λ).
func geVariance(l Loss) (perPacket, bias float64) {
	piB := l.P / (l.P + l.R)
	m := (1-piB)*l.LossGood + piB*l.LossBad
	lambda := 1 - l.P - l.R
	d := l.LossBad - l.LossGood
	return m*(1-m) + 2*d*d*piB*(1-piB)*lambda/(1-lambda), math.Abs(piB * d / (1 - lambda))
}

// TestGilbertElliottRate compares the loss count over n = 10⁶ packets with
// the closed form n(R·ℓG + P·ℓB)/(P+R). Tolerance: z·√(nσ²) + |bias|, σ²
// and the bias from geVariance.
func TestGilbertElliottRate(t *testing.T) {
	const n = 1_000_000
	tests := []struct {
		name string
		loss Loss
	}{
		{"simple Gilbert", Loss{Model: GilbertElliott, P: 0.01, R: 0.3, LossBad: 1}},
		{"Gilbert", Loss{Model: GilbertElliott, P: 0.05, R: 0.5, LossBad: 0.8}},
		{"Gilbert-Elliott", Loss{Model: GilbertElliott, P: 0.02, R: 0.25, LossGood: 0.01, LossBad: 0.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.loss
			want := (l.R*l.LossGood + l.P*l.LossBad) / (l.P + l.R)
			within(t, "MeanRate", l.MeanRate(100), want, 1e-12, "closed form")
			v, bias := geVariance(l)
			got := count(lossSeq(t, l, n, 100))
			within(t, "lost", float64(got), n*want, z*math.Sqrt(n*v)+bias, "z√(nσ²)+bias")
		})
	}
}

// TestGilbertMeanBurst: in the simple Gilbert model (LossGood 0, LossBad 1)
// a burst of losses is a stay in the bad state, whose length is geometric
// with mean 1/R and variance (1−R)/R², independently from burst to burst.
// The mean of B bursts therefore has standard deviation √((1−R)/R²/B).
// With n = 10⁶, P = 0.01, R = 0.3: B ≈ n·πB·R ≈ 9700, tolerance ≈ 0.14
// around 3.33.
func TestGilbertMeanBurst(t *testing.T) {
	const n = 1_000_000
	l := Loss{Model: GilbertElliott, P: 0.01, R: 0.3, LossBad: 1}
	fates := lossSeq(t, l, n, 100)
	var bursts []float64
	run := 0
	for _, lost := range fates {
		switch {
		case lost:
			run++
		case run > 0:
			bursts = append(bursts, float64(run))
			run = 0
		}
	}
	mean, _ := meanVar(bursts)
	b := float64(len(bursts))
	within(t, "mean burst", mean, 1/l.R, z*math.Sqrt((1-l.R)/(l.R*l.R)/b), "geometric: z√((1−R)/R²/B)")
}

// fourStateMatrix returns the transition matrix of a FourState chain,
// states 1..4 at indices 0..3.
func fourStateMatrix(l Loss) [4][4]float64 {
	return [4][4]float64{
		{1 - l.P13 - l.P14, 0, l.P13, l.P14},
		{0, 1 - l.P23, l.P23, 0},
		{l.P31, l.P32, 1 - l.P31 - l.P32, 0},
		{1, 0, 0, 0},
	}
}

// stationary finds π = πP by power iteration.
func stationary(p [4][4]float64) [4]float64 {
	pi := [4]float64{1, 0, 0, 0}
	for range 100_000 {
		var next [4]float64
		for i := range 4 {
			for j := range 4 {
				next[j] += pi[i] * p[i][j]
			}
		}
		pi = next
	}
	return pi
}

// TestFourStateRate: the loss indicator is f(S) = [S ∈ {3, 4}] of the state
// entered, so the long-run rate is π₃+π₄. MeanRate's closed form is checked
// against π from power iteration, and the loss count over n = 10⁶ packets
// against MeanRate with tolerance z√(nσ²), σ² the asymptotic variance
// Var_π(f) + 2Σ_k Cov_π(f(S₀), f(S_k)), summed numerically from the matrix
// powers until the terms vanish (plus a bias bound for starting in state 1,
// Σ_k |P^k(1,·)f − m|).
func TestFourStateRate(t *testing.T) {
	const n = 1_000_000
	l := Loss{Model: FourState, P13: 0.05, P31: 0.4, P32: 0.3, P23: 0.2, P14: 0.01}
	p := fourStateMatrix(l)
	pi := stationary(p)
	m := pi[2] + pi[3]
	within(t, "MeanRate", l.MeanRate(100), m, 1e-9, "power iteration")

	f := [4]float64{0, 0, 1, 1}
	v, bias := m*(1-m), 0.0
	pk := f // P^k f
	for k := 1; k < 10_000; k++ {
		var next [4]float64
		for i := range 4 {
			for j := range 4 {
				next[i] += p[i][j] * pk[j]
			}
		}
		pk = next
		cov := 0.0
		for i := range 4 {
			cov += pi[i] * f[i] * pk[i]
		}
		v += 2 * (cov - m*m)
		bias += math.Abs(pk[0] - m)
	}
	got := count(lossSeq(t, l, n, 100))
	within(t, "lost", float64(got), n*m, z*math.Sqrt(n*v)+bias, "z√(nσ²)+bias")
}

// TestBurstRate: ns-3's burst model. MeanRate = Σ_{j≥0} P(1−P)^j Pr(S>j)
// is checked against a direct sum, and the loss count over n = 10⁶ packets
// against it. Whether packet i is lost depends only on the draws of
// packets i−3..i (BurstMax = 4), so the indicators are 3-dependent and
// Var(count) ≤ n·m(1−m)·(1+2·3) (each covariance is at most the variance);
// tolerance z√(7n·m(1−m)).
func TestBurstRate(t *testing.T) {
	const n = 1_000_000
	l := Loss{Model: Burst, P: 0.02, BurstMin: 1, BurstMax: 4}
	// Sizes 1..4 equally likely: Pr(S>0..3) = 1, 3/4, 1/2, 1/4.
	q := 1 - l.P
	want := l.P * (1 + q*0.75 + q*q*0.5 + q*q*q*0.25)
	within(t, "MeanRate", l.MeanRate(100), want, 1e-12, "direct sum")
	got := count(lossSeq(t, l, n, 100))
	within(t, "lost", float64(got), n*want, z*math.Sqrt(7*n*want*(1-want)), "3-dependent bound")
	// Every burst size occurs (runs longer than 4 are bursts that
	// restarted or met another).
	runs := map[int]int{}
	run := 0
	for _, lost := range append(lossSeq(t, l, n, 100), false) {
		if lost {
			run++
		} else if run > 0 {
			runs[min(run, 5)]++
			run = 0
		}
	}
	for s := 1; s <= 4; s++ {
		if runs[s] == 0 {
			t.Errorf("no burst of %d packets among %v", s, runs)
		}
	}
}

// TestCopiesHaveTheirOwnLossChain: a copy's loss is drawn from a chain of
// its own, so with Bernoulli(½) loss and every packet duplicated the number
// of packets whose original and copy are both lost is Binomial(n, ¼).
func TestCopiesHaveTheirOwnLossChain(t *testing.T) {
	const n = 40_000
	r := newRig(t, Config{Loss: Loss{Model: Bernoulli, P: 0.5}, Duplicate: Duplicate{Prob: 1}}, 5).observe()
	r.sendEvery(n, 100, time.Microsecond)
	lost := map[uint64]int{}
	for _, rec := range r.records(Lost) {
		lost[rec.Seq]++
	}
	both := 0
	for _, c := range lost {
		if c == 2 {
			both++
		}
	}
	within(t, "both lost", float64(both), n*0.25, binomialTol(n, 0.25), "binomial zσ")
	if c := r.l.Counters(); c.Duplicated != n {
		t.Errorf("Duplicated = %d, want %d", c.Duplicated, n)
	}
}
