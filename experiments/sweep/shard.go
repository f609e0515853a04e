package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"tcpsim/experiments/results"
)

// ParseShard parses "I/N" (0 <= I < N).
func ParseShard(s string) (results.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if ok {
		idx, err1 := strconv.Atoi(i)
		cnt, err2 := strconv.Atoi(n)
		if err1 == nil && err2 == nil && cnt >= 1 && idx >= 0 && idx < cnt {
			return results.Shard{Index: idx, Count: cnt}, nil
		}
	}
	return results.Shard{}, fmt.Errorf("--shard %q: want I/N with 0 <= I < N, such as 0/4", s)
}

// ShardFromEnv finds a shard in a cluster scheduler's environment:
//
//   - Slurm job arrays: SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT tasks
//     numbered from SLURM_ARRAY_TASK_MIN (default 0), so --array=1-4 works too;
//   - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, with the count from
//     TCPSIM_SHARDS (set it to the Job's .spec.completions) or from count.
//
// count is the --shards flag's value (0 if not given). It reports ok=false when
// neither scheduler's variables are set.
func ShardFromEnv(getenv func(string) string, count int) (sh results.Shard, ok bool, err error) {
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		n, err := envInt(getenv, "SLURM_ARRAY_TASK_COUNT", count)
		if err != nil {
			return sh, false, err
		}
		lo, err := envInt(getenv, "SLURM_ARRAY_TASK_MIN", 0)
		if err != nil {
			return sh, false, err
		}
		i, err := strconv.Atoi(id)
		if err != nil || i-lo < 0 || i-lo >= n {
			return sh, false, fmt.Errorf("SLURM_ARRAY_TASK_ID=%q is not a task index in [%d, %d)", id, lo, lo+n)
		}
		return results.Shard{Index: i - lo, Count: n}, true, nil
	}
	if id := getenv("JOB_COMPLETION_INDEX"); id != "" {
		n, err := envInt(getenv, "TCPSIM_SHARDS", count)
		if err != nil {
			return sh, false, err
		}
		i, err := strconv.Atoi(id)
		if err != nil || i < 0 || i >= n {
			return sh, false, fmt.Errorf("JOB_COMPLETION_INDEX=%q is not an index in [0, %d)", id, n)
		}
		return results.Shard{Index: i, Count: n}, true, nil
	}
	return sh, false, nil
}

func envInt(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		if def <= 0 && name != "SLURM_ARRAY_TASK_MIN" {
			return 0, fmt.Errorf("%s is not set: give the number of shards with --shards N", name)
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q is not a non-negative integer", name, v)
	}
	return n, nil
}
