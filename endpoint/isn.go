package endpoint

import (
	"math/rand/v2"

	"tcpsim/engine"
)

// isnGen picks initial send sequence numbers for one host (RFC 9293 §3.4.1).
type isnGen struct {
	policy ISNPolicy
	tick   int64 // ns per clock increment
	phase  uint32
	key    [2]uint64
	rng    *rand.Rand
	laddr  Addr
}

func newISNGen(cfg *Config, laddr Addr, rng *rand.Rand) isnGen {
	g := isnGen{policy: cfg.ISN, tick: int64(cfg.ISNTick), rng: rng, laddr: laddr}
	if g.tick <= 0 {
		g.tick = 4000
	}
	// The secret key of F and the phase of the RFC 793 clock are drawn once
	// per host, at boot.
	g.key = [2]uint64{rng.Uint64(), rng.Uint64()}
	g.phase = rng.Uint32()
	return g
}

// next returns the ISN for a connection from lport to raddr:rport at now.
func (g *isnGen) next(now engine.Time, lport uint16, raddr Addr, rport uint16) Seq {
	switch g.policy {
	case ISNRFC9293:
		// RFC 9293 §3.4.1: ISN = M + F(localip, localport, remoteip,
		// remoteport, secretkey), M the clock and F a keyed hash (the
		// simulation needs unpredictability between connections, not
		// cryptographic strength).
		m := uint32(int64(now) / g.tick)
		return Seq(m + g.hash(lport, raddr, rport))
	case ISNClock:
		// RFC 793 §3.3: a 32-bit clock whose low bit ticks every 4 µs.
		return Seq(g.phase + uint32(int64(now)/g.tick))
	case ISNRandom:
		return Seq(g.rng.Uint32())
	}
	return 0 // ISNZero: ns-3's behaviour
}

func (g *isnGen) hash(lport uint16, raddr Addr, rport uint16) uint32 {
	x := uint64(g.laddr)<<32 | uint64(raddr)
	y := uint64(lport)<<16 | uint64(rport)
	h := mix64(x ^ g.key[0])
	h = mix64(h ^ y ^ g.key[1])
	return uint32(h >> 32)
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
