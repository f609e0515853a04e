package link

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Sampler draws non-negative durations from a Dist over a seeded source,
// with the same semantics as a link's jitter (a Normal is truncated at
// zero). Other packages use it for delays of their own, such as a
// workload's think times.
type Sampler struct{ s *sampler }

// NewSampler validates d and returns a sampler drawing from src. The zero
// Dist gives a sampler that always returns 0.
func NewSampler(d Dist, src rand.Source) (*Sampler, error) {
	if d.Kind == NoDist {
		return &Sampler{}, nil
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.lowest() < 0 {
		return nil, fmt.Errorf("%w: a %s distribution here must not draw negative durations", ErrConfig, d.Kind)
	}
	return &Sampler{newSampler(d, src, 0)}, nil
}

// Sample returns the next draw.
func (s *Sampler) Sample() time.Duration {
	if s.s == nil {
		return 0
	}
	return s.s.draw()
}
