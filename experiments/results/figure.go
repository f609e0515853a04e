package results

import (
	"io"
	"path/filepath"

	"tcpsim/plots"
)

// SaveFigure writes fig to path atomically (WriteFileAtomic), in the format
// the extension names: the figures of a result directory's plots/ (package
// figures), record.trace's ladders and the ladder of `tcpsim trace`.
func SaveFigure(fig *plots.Figure, path string) error {
	format, err := plots.ParseFormat(filepath.Ext(path))
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, func(w io.Writer) error { return fig.Encode(w, format) })
}
