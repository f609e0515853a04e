package endpoint

// Waiting reports whether any of the connection's timers is armed
// (retransmission, delayed ACK, keep-alive, user timeout, connection
// establishment, FIN-WAIT-2). A live TCB that is not waiting, outside
// LISTEN and TIME-WAIT, changes state again only if a segment or a user
// call reaches it; when neither can come, it is stuck.
func (c Conn) Waiting() bool {
	t := c.live()
	if t == nil {
		return false
	}
	for i := range t.dl {
		if t.timerArmed(i) {
			return true
		}
	}
	return false
}
