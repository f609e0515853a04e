package link

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// LossModel names a random loss process.
type LossModel string

// The loss models. Each takes the parameters listed; the other fields of
// Loss must stay zero.
const (
	// NoLoss is the zero Loss: nothing is lost.
	NoLoss LossModel = ""
	// Bernoulli: each packet is lost independently with probability P, or,
	// with Unit "byte" or "bit", with probability 1−(1−P)^n for a packet of
	// n units (ns-3's RateErrorModel).
	Bernoulli LossModel = "bernoulli"
	// GilbertElliott: a two-state Markov chain (netem's "gemodel"). In the
	// good state a packet is lost with probability LossGood (netem's 1−k),
	// in the bad state with LossBad (netem's 1−h); P is the good→bad
	// transition probability per packet, R the bad→good one. As in netem,
	// each packet first draws the transition and then its loss, and the
	// loss uses the state the packet found (the transition takes effect
	// from the next packet). The chain starts in the good state.
	GilbertElliott LossModel = "gilbert-elliott"
	// FourState: netem's 4-state Markov model ("loss state", Salsano et al.
	// GI model): 1 = delivered in a gap, 2 = delivered in a burst, 3 = lost
	// in a burst, 4 = isolated loss. From 1 the chain moves to 3 with P13
	// and to 4 with P14; from 2 to 3 with P23; from 3 to 1 with P31 and to
	// 2 with P32; from 4 always to 1. One draw per packet; the packet is
	// lost when the chain moves into state 3 or 4. It starts in state 1.
	FourState LossModel = "4-state"
	// Burst: ns-3's BurstErrorModel. Each packet starts a new burst with
	// probability P (even inside a burst, which then restarts); a burst
	// loses a number of consecutive packets drawn uniformly from
	// [BurstMin, BurstMax], the starting packet included.
	Burst LossModel = "burst"
)

// LossUnit is what a Bernoulli loss probability applies to.
type LossUnit string

// The units of Bernoulli loss.
const (
	PerPacket LossUnit = ""     // P per packet, whatever its size (also "packet")
	PerByte   LossUnit = "byte" // P per byte of WireSize
	PerBit    LossUnit = "bit"  // P per bit of WireSize
)

// Loss configures random loss: a Model and the parameters that model takes.
// The zero Loss loses nothing.
type Loss struct {
	Model LossModel
	// P is the loss probability (Bernoulli), the good→bad transition
	// probability (GilbertElliott) or the burst start probability (Burst).
	P float64
	// Unit is what P applies to under Bernoulli; the default is a packet.
	Unit LossUnit
	// R is the bad→good transition probability (GilbertElliott).
	R float64
	// LossGood and LossBad are the loss probabilities in the good and bad
	// states (GilbertElliott): netem's 1−k and 1−h.
	LossGood, LossBad float64
	// P13, P31, P32, P23 and P14 are the FourState transition
	// probabilities.
	P13, P31, P32, P23, P14 float64
	// BurstMin and BurstMax bound the number of packets a burst loses
	// (Burst).
	BurstMin, BurstMax int
}

var lossParams = map[LossModel][]string{
	NoLoss:         nil,
	Bernoulli:      {"P", "Unit"},
	GilbertElliott: {"P", "R", "LossGood", "LossBad"},
	FourState:      {"P13", "P31", "P32", "P23", "P14"},
	Burst:          {"P", "BurstMin", "BurstMax"},
}

func (l Loss) setParams() []string {
	var s []string
	add := func(name string, set bool) {
		if set {
			s = append(s, name)
		}
	}
	add("P", l.P != 0)
	add("Unit", l.Unit != "")
	add("R", l.R != 0)
	add("LossGood", l.LossGood != 0)
	add("LossBad", l.LossBad != 0)
	add("P13", l.P13 != 0)
	add("P31", l.P31 != 0)
	add("P32", l.P32 != 0)
	add("P23", l.P23 != 0)
	add("P14", l.P14 != 0)
	add("BurstMin", l.BurstMin != 0)
	add("BurstMax", l.BurstMax != 0)
	return s
}

// Validate reports every problem with l, as Problems whose Field names the
// parameter (such as "R"), or nil.
func (l Loss) Validate() error {
	var ps Problems
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	takes, ok := lossParams[l.Model]
	if !ok {
		bad("Model", "unknown loss model %q (want bernoulli, gilbert-elliott, 4-state or burst)", string(l.Model))
		return ps
	}
	for _, name := range l.setParams() {
		if !slices.Contains(takes, name) {
			if l.Model == NoLoss {
				bad(name, "is set but Model is empty: name the loss model (bernoulli, gilbert-elliott, 4-state or burst)")
			} else {
				bad(name, "is not a parameter of %s (it takes %v)", l.Model, takes)
			}
		}
	}
	prob := func(name string, v float64) bool {
		if !(v >= 0 && v <= 1) {
			bad(name, "must be a probability in [0, 1] (got %v)", v)
			return false
		}
		return true
	}
	switch l.Model {
	case Bernoulli:
		prob("P", l.P)
		switch l.Unit {
		case PerPacket, "packet", PerByte, PerBit:
		default:
			bad("Unit", "unknown unit %q (want packet, byte or bit)", string(l.Unit))
		}
	case GilbertElliott:
		okP, okR := prob("P", l.P), prob("R", l.R)
		prob("LossGood", l.LossGood)
		prob("LossBad", l.LossBad)
		if okP && l.P == 0 {
			bad("P", "is 0, so the chain never leaves the good state: use a Bernoulli loss at the good state's rate instead")
		}
		if okR && l.R == 0 {
			bad("R", "is 0, so the chain never leaves the bad state (netem's default is 1 minus the good-to-bad probability)")
		}
		if l.LossGood == 0 && l.LossBad == 0 {
			bad("LossBad", "is 0 and so is LossGood, so nothing is ever lost (LossBad is netem's 1−h, usually 1)")
		}
	case FourState:
		ok := prob("P13", l.P13)
		ok = prob("P31", l.P31) && ok
		ok = prob("P32", l.P32) && ok
		ok = prob("P23", l.P23) && ok
		ok = prob("P14", l.P14) && ok
		if !ok {
			break
		}
		if l.P13+l.P14 > 1 {
			bad("P14", "plus P13 must not exceed 1: they leave state 1 (got %v)", l.P13+l.P14)
		}
		if l.P31+l.P32 > 1 {
			bad("P32", "plus P31 must not exceed 1: they leave state 3 (got %v)", l.P31+l.P32)
		}
		if l.P13 == 0 && l.P14 == 0 {
			bad("P13", "is 0 and so is P14, so nothing is ever lost")
		}
		if l.P13 > 0 && l.P31 == 0 {
			bad("P31", "is 0, so a burst never ends: the chain never returns to state 1")
		}
		if l.P32 > 0 && l.P23 == 0 {
			bad("P23", "is 0 while P32 is not, so state 2 is a trap: once there, nothing is lost again")
		}
	case Burst:
		if prob("P", l.P) && l.P == 0 {
			bad("P", "is 0, so no burst ever starts")
		}
		if l.BurstMin < 1 {
			bad("BurstMin", "must be at least 1 packet (got %d)", l.BurstMin)
		}
		if l.BurstMax < l.BurstMin {
			bad("BurstMax", "must not be below BurstMin (%d < %d)", l.BurstMax, l.BurstMin)
		}
	}
	if ps == nil {
		return nil
	}
	return ps
}

// MeanRate returns the long-run fraction of packets of the given WireSize
// that l loses (the stationary loss rate). l must be valid.
//
//   - Bernoulli: P, or 1−(1−P)^n for n bytes or bits.
//   - GilbertElliott: (R·LossGood + P·LossBad)/(P+R), the states' loss
//     probabilities weighted by the stationary distribution πG = R/(P+R),
//     πB = P/(P+R).
//   - FourState: π3+π4, with π3 = π1·P13/P31, π4 = π1·P14,
//     π2 = π3·P32/P23, from the balance equations of the chain.
//   - Burst: Σ_{j≥0} P(1−P)^j·Pr(S > j), S the burst size: a packet is
//     lost iff the latest burst started j ≥ 0 packets earlier and has
//     more than j packets.
func (l Loss) MeanRate(size int) float64 {
	switch l.Model {
	case Bernoulli:
		return newBernoulli(l, nil).prob(size)
	case GilbertElliott:
		return (l.R*l.LossGood + l.P*l.LossBad) / (l.P + l.R)
	case FourState:
		x3 := 0.0 // π3/π1
		if l.P13 > 0 {
			x3 = l.P13 / l.P31
		}
		x2 := 0.0 // π2/π1
		if l.P32 > 0 {
			x2 = x3 * l.P32 / l.P23
		}
		x4 := l.P14 // π4/π1
		return (x3 + x4) / (1 + x2 + x3 + x4)
	case Burst:
		sum := 0.0
		n := float64(l.BurstMax - l.BurstMin + 1)
		for j := 0; j < l.BurstMax; j++ {
			// Pr(S > j) for S uniform on [BurstMin, BurstMax].
			tail := min(1, float64(l.BurstMax-max(j, l.BurstMin-1))/n)
			sum += math.Pow(1-l.P, float64(j)) * tail
		}
		return l.P * sum
	}
	return 0
}

// lossModel decides, packet by packet, whether the loss process drops it.
type lossModel interface {
	lost(size int) bool
}

// newLossModel compiles a valid Loss to draw from src; nil for NoLoss.
func newLossModel(l Loss, src rand.Source) lossModel {
	rng := rand.New(src)
	switch l.Model {
	case Bernoulli:
		return newBernoulli(l, rng)
	case GilbertElliott:
		return &gilbertElliott{Loss: l, rng: rng}
	case FourState:
		return &fourState{Loss: l, rng: rng, state: 1}
	case Burst:
		return &burst{Loss: l, rng: rng}
	}
	return nil
}

type bernoulli struct {
	p      float64 // per packet
	logq   float64 // log(1−P), per unit
	bitsPU int     // bits per unit: 0 per packet, 8 per byte, 1 per bit
	rng    *rand.Rand
}

func newBernoulli(l Loss, rng *rand.Rand) *bernoulli {
	b := &bernoulli{p: l.P, logq: math.Log1p(-l.P), rng: rng}
	switch l.Unit {
	case PerByte:
		b.bitsPU = 8
	case PerBit:
		b.bitsPU = 1
	}
	return b
}

// prob returns the probability of losing a packet of size bytes.
func (b *bernoulli) prob(size int) float64 {
	if b.bitsPU == 0 {
		return b.p
	}
	units := size * 8 / b.bitsPU
	if units == 0 {
		return 0
	}
	return -math.Expm1(float64(units) * b.logq)
}

func (b *bernoulli) lost(size int) bool {
	return b.rng.Float64() < b.prob(size)
}

type gilbertElliott struct {
	Loss
	bad bool
	rng *rand.Rand
}

// lost follows netem's loss_gilb_ell: transition draw, then the loss draw
// with the loss probability of the state the packet found.
func (g *gilbertElliott) lost(int) bool {
	if !g.bad {
		if g.rng.Float64() < g.P {
			g.bad = true
		}
		return g.rng.Float64() < g.LossGood
	}
	if g.rng.Float64() < g.R {
		g.bad = false
	}
	return g.rng.Float64() < g.LossBad
}

type fourState struct {
	Loss
	state uint8
	rng   *rand.Rand
}

// lost follows netem's loss_4state: one draw, split into the intervals of
// the current state's outgoing transitions in netem's order; the packet is
// lost if the chain enters state 3 or 4.
func (f *fourState) lost(int) bool {
	u := f.rng.Float64()
	switch f.state {
	case 1:
		switch {
		case u < f.P14:
			f.state = 4
			return true
		case u < f.P14+f.P13:
			f.state = 3
			return true
		}
	case 2:
		if u < f.P23 {
			f.state = 3
			return true
		}
	case 3:
		switch {
		case u < f.P32:
			f.state = 2
		case u < f.P32+f.P31:
			f.state = 1
		default:
			return true
		}
	case 4:
		f.state = 1
	}
	return false
}

type burst struct {
	Loss
	done, size int // packets lost so far in the current burst, and its size
	rng        *rand.Rand
}

// lost follows ns-3's BurstErrorModel::DoCorrupt.
func (b *burst) lost(int) bool {
	if b.rng.Float64() < b.P {
		b.size = b.BurstMin + b.rng.IntN(b.BurstMax-b.BurstMin+1)
		b.done = 1
		return true
	}
	if b.done < b.size {
		b.done++
		return true
	}
	return false
}
