package packetdrill

import (
	"os"
	"strings"
	"testing"
)

// TestSysctlTableDocumented checks that docs/packetdrill.md lists every
// sysctl the runner understands, so the table users read is the table the
// code applies.
func TestSysctlTableDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/packetdrill.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range Sysctls {
		// Rows may share a line: "net.ipv4.tcp_syn_retries`, `tcp_synack_retries".
		short := s.name[strings.LastIndex(s.name, ".")+1:]
		if !strings.Contains(doc, "`"+s.name+"`") && !strings.Contains(doc, "`"+short+"`") {
			t.Errorf("docs/packetdrill.md does not list sysctl %s", s.name)
		}
		if s.doc == "" {
			t.Errorf("sysctl %s has no description", s.name)
		}
	}
}
