package link

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestSampler(t *testing.T) {
	zero, err := NewSampler(Dist{}, rand.NewPCG(1, 1))
	if err != nil || zero.Sample() != 0 {
		t.Fatalf("zero Dist: %v, %v", zero.Sample(), err)
	}
	s, err := NewSampler(Dist{Kind: Normal, Mean: time.Millisecond, StdDev: 5 * time.Millisecond}, rand.NewPCG(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	for range 10000 {
		if d := s.Sample(); d < 0 {
			t.Fatalf("a truncated normal drew %v", d)
		}
	}
	if _, err := NewSampler(Dist{Kind: Uniform, Min: -time.Second, Max: time.Second}, rand.NewPCG(1, 3)); err == nil {
		t.Error("a sampler that can draw negative durations was accepted")
	}
	if _, err := NewSampler(Dist{Kind: Exponential}, rand.NewPCG(1, 3)); err == nil {
		t.Error("an exponential without a mean was accepted")
	}
}
