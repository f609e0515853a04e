package config

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// reflective are config's files that touch every field by reflection or
// only check it (decoding, defaults, normalizing, validation, --set): a
// field they read is not thereby acted on.
var reflective = map[string]bool{
	"decode.go": true, "canonical.go": true, "validate.go": true, "validate_plots.go": true,
	"errors.go": true, "names.go": true, "set.go": true, "load.go": true,
	"units.go": true, "units_decode.go": true, "retries.go": true,
}

// notActedOn lists the fields whose only reader is, on purpose, the
// normalized experiment in the manifest.
var notActedOn = map[string]string{
	"Experiment.Description": "free text, kept in manifest.json's normalized experiment",
}

// No accepted field is ignored: every field of the schema (Experiment and
// the structs below it) is read by code other than the decoder, the
// normalizer and the validators — by the mapping onto the models, a
// workload, a result writer, a figure. The test type-checks every package
// of the module from source and collects the schema fields each one uses.
func TestEverySchemaFieldIsRead(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the module")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// Export data of every package, for the importer. Without -pgo=off
	// the packages cmd/tcpsim imports would be listed only as its PGO
	// variants ("runtime/metrics [tcpsim/cmd/tcpsim]", from
	// cmd/tcpsim/default.pgo).
	cmd := exec.Command("go", "list", "-pgo=off", "-deps", "-export", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Dir}}\t{{join .GoFiles \" \"}}\t{{.Module}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	type pkg struct{ path, dir, files string }
	var ours []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 5 {
			continue
		}
		exports[f[0]] = f[1]
		if strings.HasPrefix(f[0], "tcpsim") {
			ours = append(ours, pkg{f[0], f[2], f[3]})
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(exports[path])
	})
	// Field objects differ between the config package checked from source
	// and its export data seen by the other packages: key them by their
	// place in the source.
	key := func(v *types.Var) string {
		p := fset.Position(v.Pos())
		return filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line) + ":" + v.Name()
	}
	used := map[string]bool{}
	var schema *types.Package
	for _, p := range ours {
		var files []*ast.File
		for _, name := range strings.Fields(p.files) {
			f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp}
		tp, err := conf.Check(p.path, fset, files, info)
		if err != nil {
			t.Fatalf("type-checking %s: %v", p.path, err)
		}
		isConfig := p.path == "tcpsim/experiments/config"
		if isConfig {
			schema = tp
		}
		for id, obj := range info.Uses {
			if isConfig && reflective[filepath.Base(fset.Position(id.Pos()).Filename)] {
				continue
			}
			if v, ok := obj.(*types.Var); ok && v.IsField() {
				used[key(v.Origin())] = true
			}
		}
	}
	if schema == nil {
		t.Fatal("the config package was not type-checked")
	}
	exp := schema.Scope().Lookup("Experiment").Type()
	var unread []string
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		for {
			switch u := t.(type) {
			case *types.Pointer:
				t = u.Elem()
				continue
			case *types.Slice:
				t = u.Elem()
				continue
			}
			break
		}
		named, ok := t.(*types.Named)
		if !ok || named.Obj().Pkg() != schema || seen[named] {
			return
		}
		seen[named] = true
		st, ok := named.Underlying().(*types.Struct)
		if !ok {
			return
		}
		for i := range st.NumFields() {
			f := st.Field(i)
			tag := reflect.StructTag(st.Tag(i)).Get("yaml")
			if !f.Exported() || tag == "-" || tag == "" && !f.Embedded() {
				continue
			}
			walk(f.Type())
			if f.Embedded() {
				continue
			}
			name := named.Obj().Name() + "." + f.Name()
			if !used[key(f)] && notActedOn[name] == "" {
				unread = append(unread, name+" ("+strings.Split(tag, ",")[0]+")")
			}
		}
	}
	walk(exp)
	sort.Strings(unread)
	if len(unread) > 0 {
		t.Errorf("%d schema fields are accepted and read by no code but the decoder and validators:\n  %s",
			len(unread), strings.Join(unread, "\n  "))
	}
	if len(seen) < 15 {
		t.Errorf("walked only %d schema types; the walk is broken", len(seen))
	}
}
