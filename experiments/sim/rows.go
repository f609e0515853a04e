package sim

import (
	"io"
	"strconv"

	"tcpsim/endpoint"
	"tcpsim/engine"
	"tcpsim/experiments/sweep"
)

// ConnectionColumns are the columns of connections.csv, whose rows
// Options.Connections receives.
var ConnectionColumns = []string{"point", "replication", "workload", "conn", "client", "server",
	"client_incarnation", "server_incarnation", "opened_s", "established_s", "ended_s",
	"handshake_s", "outcome", "syn_retransmits", "synack_retransmits", "data_retransmits",
	"client_states", "server_states"}

// rowWriter writes connections.csv's rows of one run as its connections
// end, so that the rows never pile up in memory.
type rowWriter struct {
	w   io.Writer
	j   sweep.Job
	buf []byte
	err error
}

// write appends r's row; the first error sticks.
func (rw *rowWriter) write(r *connRecord) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:0]
	b = strconv.AppendInt(b, int64(rw.j.Point), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(rw.j.Replication), 10)
	b = append(b, ',')
	b = append(b, r.w.spec.Name...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.ordinal), 10)
	b = append(b, ',')
	b = appendEndpoint(b, r.tuple.Local)
	b = append(b, ',')
	b = appendEndpoint(b, r.tuple.Remote)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(r.client), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(r.server), 10)
	for _, t := range []engine.Time{r.opened, r.established, r.ended} {
		b = append(b, ',')
		b = appendSecs(b, t)
	}
	b = append(b, ',')
	if r.established >= 0 {
		b = strconv.AppendFloat(b, r.established.Sub(r.opened).Seconds(), 'g', -1, 64)
	}
	outcome := r.outcome
	if outcome == "" {
		outcome = outcomeUnfinished
	}
	b = append(b, ',')
	b = append(b, outcome...)
	for _, n := range []int{r.synRetx, r.synackRetx, r.dataRetx} {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	for _, p := range [][]stateAt{r.clientPath, r.serverPath} {
		b = append(b, ',')
		for i, s := range p {
			if i > 0 {
				b = append(b, ';')
			}
			b = append(b, s.s.String()...)
			b = append(b, '@')
			b = appendSecs(b, s.t)
		}
	}
	b = append(b, '\n')
	rw.buf = b
	_, rw.err = rw.w.Write(b)
}

// appendSecs appends t in seconds as result files write durations; a
// negative t (not reached) is left empty.
func appendSecs(b []byte, t engine.Time) []byte {
	if t < 0 {
		return b
	}
	return strconv.AppendFloat(b, t.Seconds(), 'g', -1, 64)
}

// appendEndpoint appends e as "10.0.0.1:80", as Endpoint.String does.
func appendEndpoint(b []byte, e endpoint.Endpoint) []byte {
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(byte(e.Addr>>(8*i))), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(e.Port), 10)
}
