package config_test

import (
	"fmt"

	"tcpsim/experiments/config"
)

func ExampleParse() {
	src := `
name: demo
hosts: [{name: client}, {name: server}]
links:
  - between: [client, server]
    delay: 10ms
    loss: 1%
workloads:
  - client: client
    server: server:80
    arrivals: {poisson: 100/s}
    count: 1000
sweep:
  grid:
    links[0].loss: [0, 1%, 5%]
`
	e, err := config.Parse("demo.yaml", []byte(src), "links[0].delay=20ms")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range e.Points() {
		fmt.Println(p.Index, p, p.Exp.Links[0].Delay, p.Exp.Links[0].Loss.P)
	}
	fmt.Println(e.SweptPaths())
	// Output:
	// 0 links[0].loss=0 20ms 0
	// 1 links[0].loss=1% 20ms 0.01
	// 2 links[0].loss=5% 20ms 0.05
	// [links[0].loss]
}

func ExampleParse_errors() {
	src := `
name: demo
hosts: [{name: client}, {name: server}]
links:
  - between: [client, sever]
    dealy: 10ms
    loss: 1.5
`
	_, err := config.Parse("demo.yaml", []byte(src))
	fmt.Println(err)
	// Output:
	// demo.yaml:5:23: links[0].between[1]: unknown host "sever" (did you mean "server"?); hosts are client, server
	// demo.yaml:6:5: links[0].dealy: unknown field "dealy" (did you mean "delay"?)
	// demo.yaml:7:11: links[0].loss: got "1.5", want a probability between 0 and 1 (e.g. 0.01 or 1%), or a mapping {model: bernoulli|gilbert-elliott|markov4|list, ...}
}
