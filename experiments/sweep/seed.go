package sweep

// Seed returns the seed of one run. With common random numbers (the default),
// every point of a replication shares the experiment seed, so a run's random
// streams — derived from (seed, replication, component) — are the same at
// every point, and differences between points are not sampling noise.
// Without them, each point gets its own seed.
func Seed(experimentSeed uint64, point int, commonRandomNumbers bool) uint64 {
	if commonRandomNumbers {
		return experimentSeed
	}
	return splitmix64(experimentSeed ^ splitmix64(uint64(point)+0x632be59bd9b4e019))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
