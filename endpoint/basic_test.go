package endpoint

import (
	"testing"
	"time"
)

func TestBasicConnection(t *testing.T) {
	p := newPair(t, testConfig(), testConfig(), true)
	fixedISN(p.a, 100)
	fixedISN(p.b, 300)
	p.appB.onAccept = func(c Conn) { c.Send(1000) }
	p.appB.onPeerFIN = func(c Conn) { c.Close() }
	p.appA.onEstab = func(c Conn) { c.Send(1000); c.Close() }
	if _, err := p.a.Connect(addrB, 80, p.appA); err != nil {
		t.Fatal(err)
	}
	p.run(10 * time.Minute)
	t.Log(p.tr.b.String())
	if p.appA.rcvd != 1000 || p.appB.rcvd != 1000 {
		t.Errorf("rcvd A %d B %d", p.appA.rcvd, p.appB.rcvd)
	}
}
