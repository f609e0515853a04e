package plots

// ErlangB is Erlang's loss formula B(k, a): the chance that an arrival
// finds all k servers busy at offered load a = λT, by the recurrence
// B(0) = 1, B(n) = a·B(n−1) / (n + a·B(n−1)). It is the analytic curve
// drawn beside a SYN flood's blocking fraction (a SYN queue of k slots,
// each request holding its slot for T).
func ErlangB(k int, a float64) float64 {
	b := 1.0
	for n := 1; n <= k; n++ {
		b = a * b / (float64(n) + a*b)
	}
	return b
}
