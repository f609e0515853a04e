package plots

import (
	"fmt"
	"math"
	"time"
)

// HandshakeModel is an analytic model of TCP connection establishment over a
// lossy path, for drawing beside simulated handshake latencies.
//
// # The model
//
// A client sends a SYN at time 0 and enters SYN-SENT. Its retransmission
// timeouts are T_i = min(RTO·2^i, MaxRTO) (MaxRTO = 0 means no cap; RFC 6298
// §5.5 doubling), so it retransmits the SYN at s_k = T_0 + … + T_(k-1) for
// k = 1 … R (R = ClientRetries) and gives up at D = s_R + T_R.
//
// Every segment is lost independently, client to server with probability
// p_f (LossForward) and server to client with probability p_r
// (LossReverse); a segment that is not lost arrives after the fixed one-way
// delay d (Delay).
//
// A server in LISTEN that receives a SYN at time a enters SYN-RECEIVED and
// sends a SYN-ACK at once. It retransmits the SYN-ACK on its own timer, with
// the same timeouts T_i, at a + u_j, u_j = T_0 + … + T_(j-1), for
// j = 1 … R_s (R_s = ServerRetries), and gives up at a + U, U = u_(R_s) +
// T_(R_s): it deletes the half-open connection and its listener is back in
// LISTEN, where the next SYN to arrive starts over. A copy of the SYN that
// reaches the server in SYN-RECEIVED is answered with a bare ACK (RFC 9293
// §3.10.7.4, first: an unacceptable segment), which the client in SYN-SENT
// drops (§3.10.7.3, fifth), so it changes nothing.
//
// The client becomes ESTABLISHED when the first SYN-ACK reaches it
// (§3.10.7.3, fourth), provided that is before D. Its ACK, the third
// segment, plays no part: whether it is lost only matters to the server.
//
// Ties are settled like this: a server that gives up at the very moment a
// SYN arrives is already back in LISTEN, and a SYN-ACK that arrives at the
// moment the client gives up is too late. Times are computed in integer
// nanoseconds, so ties are exact.
//
// # What is computed
//
// The establishment time T is the time from the client's first SYN to the
// client's ESTABLISHED, on the event S that the client is established before
// it gives up. Solve returns P(S) and E[T | S], the mean over successful
// attempts, which is what a simulation's mean handshake latency over
// established connections estimates; failed attempts are counted by 1 −
// P(S), not averaged in (their "time" would be the client's give-up time D,
// a configuration constant, not a latency).
//
// # Derivation
//
// Call the server "listening from SYN k0" when it is in LISTEN as SYN k0
// arrives and stays there until some SYN arrives. From that state the first
// SYN to get through is SYN k (k0 ≤ k ≤ R) with probability
// p_f^(k−k0)·(1 − p_f); it starts an episode at a = s_k + d. The first of
// that episode's SYN-ACKs to get through is SYN-ACK j (0 ≤ j ≤ R_s) with
// probability p_r^j·(1 − p_r), and it reaches the client at
//
//	t(k, j) = s_k + u_j + 2d,
//
// a success if t(k, j) < D. With probability p_r^(R_s+1) all of them are
// lost; the server gives up at a + U and is listening from SYN next(k), the
// first k' with s_k' + d ≥ a + U. SYNs between k and next(k) reach a server
// in SYN-RECEIVED and, as said, change nothing. Writing G(k0) = (P, M) for
// the probability of success and E[T·1_S] from that state, G(k0) = (0, 0)
// for k0 > R and
//
//	G(k0) = Σ_{k=k0..R} p_f^(k−k0)(1−p_f) · [ Σ_{j=0..R_s, t(k,j)<D}
//	        p_r^j (1−p_r) · (1, t(k,j))  +  p_r^(R_s+1) · G(next(k)) ].
//
// The two ranges are finite and next(k) > k, so the recursion ends; Solve
// evaluates it bottom-up in O(R·(R + R_s)) steps. Then P(S) = G(0).P and
// E[T | S] = G(0).M / G(0).P.
//
// When neither deadline binds (every t(k, j) < D and the server never gives
// up before the client does, as for small losses) K and J are independent
// truncated geometric variables and, without a cap,
//
//	E[T | S] = 2d + RTO·(E[2^K | K ≤ R] + E[2^J | J ≤ R_s] − 2),
//	E[2^K | K ≤ R] = (1−p_f)/(1−p_f^(R+1)) · Σ_{k=0..R} (2p_f)^k,
//
// which shows the shape of the curve: 2d at p = 0, then a rise of about
// RTO·(p_f + p_r) for small losses.
type HandshakeModel struct {
	// LossForward and LossReverse are the per-segment loss probabilities
	// from client to server and from server to client.
	LossForward, LossReverse float64
	// RTO is the initial retransmission timeout of both ends (RFC 6298
	// §2.1: 1 s).
	RTO time.Duration
	// MaxRTO caps the doubled timeout; zero means no cap.
	MaxRTO time.Duration
	// ClientRetries is the number of SYN retransmissions before the client
	// gives up; ServerRetries the number of SYN-ACK retransmissions before
	// the server does.
	ClientRetries, ServerRetries int
	// Delay is the one-way delay.
	Delay time.Duration
}

// HandshakeStats is what HandshakeModel.Solve computes.
type HandshakeStats struct {
	// Success is P(S), the probability that the client is established
	// before it gives up.
	Success float64
	// MeanTime is E[T | S] in seconds, NaN when Success is 0.
	MeanTime float64
}

// validate returns an ErrInvalid error describing every bad field.
func (m HandshakeModel) validate() error {
	var bad []string
	for _, p := range []struct {
		name string
		v    float64
	}{{"LossForward", m.LossForward}, {"LossReverse", m.LossReverse}} {
		if !(p.v >= 0 && p.v <= 1) {
			bad = append(bad, fmt.Sprintf("%s = %v, want a probability in [0, 1]", p.name, p.v))
		}
	}
	if m.RTO <= 0 {
		bad = append(bad, fmt.Sprintf("RTO = %v, want > 0", m.RTO))
	}
	if m.MaxRTO < 0 {
		bad = append(bad, fmt.Sprintf("MaxRTO = %v, want >= 0", m.MaxRTO))
	}
	if m.ClientRetries < 0 || m.ClientRetries > 30 {
		bad = append(bad, fmt.Sprintf("ClientRetries = %d, want 0..30", m.ClientRetries))
	}
	if m.ServerRetries < 0 || m.ServerRetries > 30 {
		bad = append(bad, fmt.Sprintf("ServerRetries = %d, want 0..30", m.ServerRetries))
	}
	if n := max(m.ClientRetries, m.ServerRetries); m.RTO > 0 && n >= 0 && n <= 30 && m.RTO > math.MaxInt64>>uint(n+3) {
		bad = append(bad, fmt.Sprintf("RTO = %v doubled %d times overflows", m.RTO, n+1))
	}
	if m.Delay < 0 {
		bad = append(bad, fmt.Sprintf("Delay = %v, want >= 0", m.Delay))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: handshake model: %v", ErrInvalid, bad)
	}
	return nil
}

// timeout returns T_i.
func (m HandshakeModel) timeout(i int) time.Duration {
	t := m.RTO << uint(i)
	if m.MaxRTO > 0 && t > m.MaxRTO {
		t = m.MaxRTO
	}
	return t
}

// offsets returns o_0 … o_n with o_k = T_0 + … + T_(k−1), and o_(n+1), the
// give-up time after n retransmissions.
func (m HandshakeModel) offsets(n int) []time.Duration {
	o := make([]time.Duration, n+2)
	for k := 1; k <= n+1; k++ {
		o[k] = o[k-1] + m.timeout(k-1)
	}
	return o
}

// Solve evaluates the model. It returns an ErrInvalid error for a loss
// outside [0, 1], a non-positive RTO, a negative delay, or retry counts
// outside 0..30.
func (m HandshakeModel) Solve() (HandshakeStats, error) {
	if err := m.validate(); err != nil {
		return HandshakeStats{}, err
	}
	R, Rs := m.ClientRetries, m.ServerRetries
	s := m.offsets(R)  // s[k], k ≤ R: SYN send times; s[R+1] = D
	u := m.offsets(Rs) // u[j], j ≤ Rs: SYN-ACK offsets; u[Rs+1] = U
	D, U, d := s[R+1], u[Rs+1], m.Delay
	pf, pr := m.LossForward, m.LossReverse

	// next[k] is the first SYN index k' with s[k']+d ≥ s[k]+d+U.
	next := make([]int, R+1)
	for k := range next {
		next[k] = k + 1
		for next[k] <= R && s[next[k]] < s[k]+U {
			next[k]++
		}
	}
	// episode[k] = (P, M) of the episode started by SYN k, counting its
	// own SYN-ACKs and, when all are lost, the rest via G(next(k)).
	gP := make([]float64, R+2)
	gM := make([]float64, R+2)
	allLost := math.Pow(pr, float64(Rs+1))
	for k0 := R; k0 >= 0; k0-- {
		var P, M float64
		wk := 1.0 - pf // P(first SYN through is k), k = k0 first
		for k := k0; k <= R; k++ {
			var eP, eM float64
			wj := 1.0 - pr
			for j := 0; j <= Rs; j++ {
				t := s[k] + u[j] + 2*d
				if t >= D {
					break
				}
				eP += wj
				eM += wj * t.Seconds()
				wj *= pr
			}
			eP += allLost * gP[next[k]]
			eM += allLost * gM[next[k]]
			P += wk * eP
			M += wk * eM
			wk *= pf
		}
		gP[k0], gM[k0] = P, M
	}
	st := HandshakeStats{Success: gP[0], MeanTime: math.NaN()}
	if gP[0] > 0 {
		st.MeanTime = gM[0] / gP[0]
	}
	return st, nil
}

// MeanTime returns E[T | S] in seconds, or NaN when the model is invalid or
// success is impossible; it suits an Analytic curve.
func (m HandshakeModel) MeanTime() float64 {
	st, err := m.Solve()
	if err != nil {
		return math.NaN()
	}
	return st.MeanTime
}

// LossCurve returns the mean establishment time, in seconds, as a function
// of a loss probability p applied in both directions, the other parameters
// as in m: the Analytic curve of a loss sweep.
func (m HandshakeModel) LossCurve() func(p float64) float64 {
	return func(p float64) float64 {
		m.LossForward, m.LossReverse = p, p
		return m.MeanTime()
	}
}
