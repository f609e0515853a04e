package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPacketdrillCommand checks the output format and exit status of
// `tcpsim packetdrill`.
func TestPacketdrillCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pass := write("pass.pkt", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n")
	fail := write("fail.pkt", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(4) = 0\n")
	skip := write("skip.pkt", "0 `sysctl -w net.inet.tcp.bogus=1`\n")
	warn := write("warn.pkt", "--bogus_flag=1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n")
	linux := filepath.Join("..", "..", "testdata", "packetdrill", "linux")
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  []string // lines of stdout, in order
		err  string
	}{
		{"pass", []string{"packetdrill", pass}, 0, []string{"PASS " + pass, "1 passed, 0 failed, 0 skipped of 1"}, ""},
		{"fail", []string{"packetdrill", "--profile", "freebsd", pass, fail, skip}, exitFail, []string{"PASS " + pass,
			"FAIL " + fail + ":2: close: expected 0, got -1 EBADF", "SKIP " + skip + ":1: sysctl net.inet.tcp.bogus is not in the table",
			"1 passed, 1 failed, 1 skipped of 3"}, ""},
		{"warning", []string{"packetdrill", "-v", warn, skip}, 0, []string{"PASS " + warn, "SKIP " + skip + ":1: sysctl net.inet.tcp.bogus is not in the table", "1 passed, 0 failed, 1 skipped of 2"},
			"unknown flag --bogus_flag"},
		{"skip only", []string{"packetdrill", skip}, 0, []string{"SKIP " + skip + ":1: sysctl net.inet.tcp.bogus is not in the table", "0 passed, 0 failed, 1 skipped of 1"}, ""},
		{"folder", []string{"packetdrill", "--profile", "linux", linux}, 0, nil, ""},
		{"unreadable", []string{"packetdrill", pass, filepath.Join(dir, "missing.pkt")}, exitUsage, []string{"PASS " + pass, "1 passed, 0 failed, 0 skipped of 1"}, "missing.pkt"},
		{"bad profile", []string{"packetdrill", "--profile", "bsd", pass}, exitUsage, nil, "unknown profile"},
		{"bad set", []string{"packetdrill", "--set", "Bogus=1", pass}, exitUsage, nil, "no field Bogus"},
		{"no scripts", []string{"packetdrill"}, exitUsage, nil, "at least one"},
		{"pcap needs one", []string{"packetdrill", "--pcap", filepath.Join(dir, "x.pcap"), pass, fail}, exitUsage, nil, "exactly one"},
		{"pcap", []string{"packetdrill", "--profile", "linux", "--pcap", filepath.Join(dir, "x.pcap"), filepath.Join(linux, "so-linger-zero.pkt")}, 0, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, errb.String())
			}
			if tc.out != nil {
				got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
				if strings.Join(got, "\n") != strings.Join(tc.out, "\n") {
					t.Errorf("stdout =\n%s\nwant\n%s", out.String(), strings.Join(tc.out, "\n"))
				}
			}
			if !strings.Contains(errb.String(), tc.err) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tc.err)
			}
		})
	}
	if fi, err := os.Stat(filepath.Join(dir, "x.pcap")); err != nil || fi.Size() <= 24 {
		t.Errorf("pcap: %v, %v; want packets after the 24-byte header", fi, err)
	}
	var out bytes.Buffer
	run(context.Background(), []string{"packetdrill", "--json", "--profile", "freebsd", fail}, &out, &bytes.Buffer{})
	var obj map[string]any
	line, _, _ := strings.Cut(out.String(), "\n")
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		t.Fatalf("--json line %q: %v", line, err)
	}
	if obj["script"] != fail || obj["result"] != "FAIL" || obj["line"] != float64(2) || !strings.Contains(obj["reason"].(string), "EBADF") {
		t.Errorf("--json = %v", obj)
	}
}
