package endpoint

// SetConfig replaces the host's configuration while it runs, as a sysctl
// does on a real host: the new values apply from the next decision each
// connection makes (the next timer armed, the next segment answered).
// Connections keep what they negotiated. The config is validated first and
// left unchanged on error.
func (s *Stack) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	s.cfg = cfg
	return nil
}
