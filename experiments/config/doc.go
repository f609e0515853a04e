// Package config owns tcpsim's experiment file format: reading a YAML file,
// decoding it strictly into [Experiment], validating it, applying --set
// overrides and expanding its sweep into points. It does not number or seed
// runs: the sweep package (tcpsim/experiments/sweep) does, point-major.
//
// Decoding walks yaml.v3's node tree against the schema (the structs of this
// package and their yaml tags), so that every problem in a file is reported
// at once, each as FILE:LINE:COL: PATH: message, where PATH is the dotted
// YAML path (links[0].loss.p) and the message quotes the bad value and says
// what is allowed. Unknown fields, wrong types, missing required fields,
// out-of-range values, bad units, duplicate keys and names, and references to
// hosts, links or workloads that do not exist are all errors. Any input,
// however malformed, gives a *Errors and never a panic.
//
// Units are types of their own ([Duration], [Rate], [Size], [Prob], [Count],
// [ArrivalRate], [PortRange], [IPv4]), each with a Parse function and a
// String method that Parse reads back.
//
// The package does no simulation and imports none of tcpsim's simulation
// packages: the runner maps these types onto engine, link, endpoint and
// topology values. docs/experiment-format.md documents the format for users.
package config
