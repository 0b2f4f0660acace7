package parquetfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hackle/hackle-agent/validate"
)

// overflowRows is how many rows edgeEvents gives a distinct 500-byte
// user_properties key: more than dictionaryMaxBytes of dictionary, so the
// key column falls back to PLAIN in the middle of the first chunk.
const overflowRows = 2500

// edgeEvents returns n rows (n > 3*pageMaxRows/2 spans several pages) with
// the special rows, long and unicode strings, empty maps at page starts and
// a dictionary overflow.
func edgeEvents(n int) []validate.Event {
	evs := events(n)
	for i := range evs {
		ev := &evs[i]
		switch {
		case i < overflowRows:
			ev.UserProps = kvs(fmt.Sprintf("key-%06d-%s", i, strings.Repeat("x", 500)), "v")
		case i%pageMaxRows == 0:
			ev.Identifiers, ev.UserProps, ev.EventProps, ev.PlatformProps = nil, nil, nil, nil
		case i%97 == 0:
			ev.EventProps = kvs("long", strings.Repeat("긴 값 🌶️ ", 20_000)) // 300 KB
		case i%13 == 0:
			ev.EventProps = nil
		}
	}
	for i, s := range special {
		evs[overflowRows+100+i] = s.ev
	}
	return evs
}

// leafValue is one value of a leaf column with its levels.
type leafValue struct {
	rep, def int
	null     bool
	v        string // PLAIN bytes, without length for BYTE_ARRAY
}

// expectedLeaves is what each leaf column of evs holds, built from the
// Parquet spec's rules for required fields and 3-level maps.
func expectedLeaves(evs []validate.Event) [numLeafColumns][]leafValue {
	var out [numLeafColumns][]leafValue
	flat := func(col int, v string) { out[col] = append(out[col], leafValue{v: v}) }
	mapLeaves := func(col int, m []validate.KV) {
		if len(m) == 0 {
			out[col] = append(out[col], leafValue{null: true})
			out[col+1] = append(out[col+1], leafValue{null: true})
		}
		for i, kv := range m {
			out[col] = append(out[col], leafValue{rep: min(i, 1), def: 1, v: kv.Key})
			out[col+1] = append(out[col+1], leafValue{rep: min(i, 1), def: 1, v: kv.Value})
		}
	}
	for _, ev := range evs {
		flat(colTS, string(binary.LittleEndian.AppendUint64(nil, uint64(ev.TS))))
		flat(colEventKey, ev.EventKey)
		mapLeaves(colIdentifiers, ev.Identifiers)
		flat(colInsertID, ev.InsertID)
		flat(colMetricValue, string(ev.MetricValue[:]))
		mapLeaves(colUserProps, ev.UserProps)
		mapLeaves(colEventProps, ev.EventProps)
		mapLeaves(colPlatformProps, ev.PlatformProps)
	}
	return out
}

// readLeaves reads every leaf column page by page with parquet-go, and
// counts the data pages of each.
func readLeaves(t *testing.T, f *parquet.File) (leaves [numLeafColumns][]leafValue, pages [numLeafColumns]int) {
	t.Helper()
	buf := make([]parquet.Value, 1024)
	for _, rg := range f.RowGroups() {
		for col, cc := range rg.ColumnChunks() {
			pr := cc.Pages()
			for {
				p, err := pr.ReadPage()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("column %d: read page: %v", col, err)
				}
				pages[col]++
				vr := p.Values()
				for {
					n, err := vr.ReadValues(buf)
					for _, v := range buf[:n] {
						lv := leafValue{rep: v.RepetitionLevel(), def: v.DefinitionLevel(), null: v.IsNull()}
						switch {
						case lv.null:
						case col == colTS:
							lv.v = string(binary.LittleEndian.AppendUint64(nil, uint64(v.Int64())))
						default:
							lv.v = string(v.ByteArray())
						}
						leaves[col] = append(leaves[col], lv)
					}
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatalf("column %d: read values: %v", col, err)
					}
				}
				parquet.Release(p)
			}
			pr.Close()
		}
	}
	return leaves, pages
}

func openFile(t *testing.T, data []byte) *parquet.File {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestEdgeCases round-trips edgeEvents through parquet-go's page reader and
// through ReadFile, with each compression, and checks the footer.
func TestEdgeCases(t *testing.T) {
	evs := edgeEvents(45_000)
	want := expectedLeaves(evs)
	for _, opts := range []Options{
		{},
		{Compression: "zstd"},
		{Compression: "gzip"},
		{Compression: "none", RowGroupRows: 20_000},
		{RowGroupRows: 7_000, Threads: 3},
	} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			data := writeAll(t, opts, evs)
			f := openFile(t, data)
			got, pages := readLeaves(t, f)
			for col := range numLeafColumns {
				if len(got[col]) != len(want[col]) {
					t.Fatalf("column %d: %d values, want %d", col, len(got[col]), len(want[col]))
				}
				for i := range want[col] {
					if got[col][i] != want[col][i] {
						t.Fatalf("column %d value %d: got %+.80v, want %+.80v", col, i, got[col][i], want[col][i])
					}
				}
			}
			groupRows := opts.withDefaults().RowGroupRows
			groups := (len(evs) + groupRows - 1) / groupRows
			if groupRows > pageMaxRows && pages[colTS] <= groups { // pages end at pageMaxRows rows
				t.Errorf("ts has %d pages in %d row groups, want more", pages[colTS], groups)
			}
			if pages[colEventProps+1] <= groups { // and at pageMaxBytes
				t.Errorf("event_properties values have %d pages in %d row groups, want more", pages[colEventProps+1], groups)
			}
			checkEvents(t, readAll(t, data), evs)
			checkFooter(t, data, evs, opts.withDefaults())
		})
	}
}

// checkFooter checks the file metadata of data, a file of evs, against the
// pages it points to.
func checkFooter(t *testing.T, data []byte, evs []validate.Event, opts Options) {
	t.Helper()
	if string(data[:4]) != magic || string(data[len(data)-4:]) != magic {
		t.Fatal("no PAR1 at the start or the end")
	}
	md := openFile(t, data).Metadata()
	if md.Version != fileVersion || md.CreatedBy != createdBy || md.NumRows != int64(len(evs)) || len(md.ColumnOrders) != numLeafColumns {
		t.Fatalf("file metadata: version %d, created by %q, %d rows, %d column orders", md.Version, md.CreatedBy, md.NumRows, len(md.ColumnOrders))
	}
	codec, _ := codecOf(opts.Compression)
	wantCodec := format.Uncompressed
	if codec != nil {
		wantCodec = codec.CompressionCodec()
	}
	offset, row := int64(4), 0
	for g, rg := range md.RowGroups {
		rows := evs[row : row+int(rg.NumRows)]
		row += int(rg.NumRows)
		if rg.FileOffset != offset || int(rg.Ordinal) != g || rg.NumRows != int64(min(opts.RowGroupRows, len(rows))) {
			t.Fatalf("row group %d: file offset %d (want %d), ordinal %d, %d rows", g, rg.FileOffset, offset, rg.Ordinal, rg.NumRows)
		}
		var compressed, uncompressed int64
		values := expectedLeaves(rows)
		for col, cc := range rg.Columns {
			cm := &cc.MetaData
			compressed += cm.TotalCompressedSize
			uncompressed += cm.TotalUncompressedSize
			if cm.Type != leaves[col].typ || !slices.Equal(cm.PathInSchema, leaves[col].path) || cm.Codec != wantCodec || cm.NumValues != int64(len(values[col])) {
				t.Fatalf("row group %d column %d: metadata %+v", g, col, cm)
			}
			checkChunkPages(t, data, offset, cm)
			checkStatistics(t, col, cm.Statistics, values[col])
			offset += cm.TotalCompressedSize
		}
		if rg.TotalCompressedSize != compressed || rg.TotalByteSize != uncompressed {
			t.Fatalf("row group %d: sizes %d/%d, want the columns' %d/%d", g, rg.TotalCompressedSize, rg.TotalByteSize, compressed, uncompressed)
		}
	}
	if footer := int64(binary.LittleEndian.Uint32(data[len(data)-8:])); offset+footer+8 != int64(len(data)) {
		t.Fatalf("the column chunks end at %d, the footer of %d bytes at %d", offset, footer, len(data)-8)
	}
}

// checkChunkPages walks the pages of a column chunk that starts at offset,
// and checks the chunk's metadata against them.
func checkChunkPages(t *testing.T, data []byte, offset int64, cm *format.ColumnMetaData) {
	t.Helper()
	end := offset + cm.TotalCompressedSize
	var values, uncompressed int64
	encodings := map[format.Encoding]bool{}
	stats := map[[2]int32]int32{}
	for off, first := offset, true; off < end; first = false {
		r := bytes.NewReader(data[off:end])
		var h format.PageHeader
		if err := thrift.NewDecoder(compact.NewReader(r)).Decode(&h); err != nil {
			t.Fatalf("%v: page header at %d: %v", cm.PathInSchema, off, err)
		}
		headerLen := int64(len(data[off:end]) - r.Len())
		body := data[off+headerLen : off+headerLen+int64(h.CompressedPageSize)]
		if uint32(h.CRC) != crc32.ChecksumIEEE(body) {
			t.Fatalf("%v: page at %d: bad CRC", cm.PathInSchema, off)
		}
		switch h.Type {
		case format.DictionaryPage:
			if !first || cm.DictionaryPageOffset != off || h.DictionaryPageHeader.V.Encoding != format.Plain {
				t.Fatalf("%v: dictionary page at %d: %+v, chunk's dictionary page offset %d", cm.PathInSchema, off, h, cm.DictionaryPageOffset)
			}
			encodings[format.Plain] = true
			stats[[2]int32{int32(h.Type), int32(format.Plain)}]++
		case format.DataPage:
			dp := h.DataPageHeader.V
			if first && cm.DictionaryPageOffset != 0 || cm.DictionaryPageOffset == 0 && first && cm.DataPageOffset != off {
				t.Fatalf("%v: data page offset %d, dictionary page offset %d, first page at %d", cm.PathInSchema, cm.DataPageOffset, cm.DictionaryPageOffset, off)
			}
			if dp.DefinitionLevelEncoding != format.RLE || dp.RepetitionLevelEncoding != format.RLE {
				t.Fatalf("%v: level encodings %v %v", cm.PathInSchema, dp.DefinitionLevelEncoding, dp.RepetitionLevelEncoding)
			}
			if len(cm.PathInSchema) > 1 {
				encodings[format.RLE] = true
			}
			encodings[dp.Encoding] = true
			stats[[2]int32{int32(h.Type), int32(dp.Encoding)}]++
			values += int64(dp.NumValues)
		default:
			t.Fatalf("%v: page of type %v", cm.PathInSchema, h.Type)
		}
		if cm.DictionaryPageOffset != 0 && !first && off == cm.DataPageOffset && h.Type != format.DataPage {
			t.Fatalf("%v: data page offset %d is not a data page", cm.PathInSchema, off)
		}
		uncompressed += headerLen + int64(h.UncompressedPageSize)
		off += headerLen + int64(h.CompressedPageSize)
		if off > end {
			t.Fatalf("%v: page at %d ends after the chunk", cm.PathInSchema, off)
		}
	}
	if values != cm.NumValues || uncompressed != cm.TotalUncompressedSize {
		t.Fatalf("%v: pages hold %d values, %d bytes uncompressed; metadata says %d, %d", cm.PathInSchema, values, uncompressed, cm.NumValues, cm.TotalUncompressedSize)
	}
	var wantEncodings []format.Encoding
	for e := range encodings {
		wantEncodings = append(wantEncodings, e)
	}
	slices.Sort(wantEncodings)
	if !slices.Equal(cm.Encoding, wantEncodings) {
		t.Fatalf("%v: encodings %v, pages use %v", cm.PathInSchema, cm.Encoding, wantEncodings)
	}
	gotStats := map[[2]int32]int32{}
	for _, s := range cm.EncodingStats {
		gotStats[[2]int32{int32(s.PageType), int32(s.Encoding)}] += s.Count
	}
	if !reflect.DeepEqual(gotStats, stats) {
		t.Fatalf("%v: encoding stats %v, pages %v", cm.PathInSchema, gotStats, stats)
	}
}

// checkStatistics checks a chunk's statistics against its values.
func checkStatistics(t *testing.T, col int, s format.Statistics, values []leafValue) {
	t.Helper()
	var nulls int64
	var lo, hi []byte
	compare := leaves[col].compare
	for _, v := range values {
		if v.null {
			nulls++
			continue
		}
		if compare == nil {
			continue
		}
		if lo == nil || compare([]byte(v.v), lo) < 0 {
			lo = []byte(v.v)
		}
		if hi == nil || compare([]byte(v.v), hi) > 0 {
			hi = []byte(v.v)
		}
	}
	if s.NullCount != nulls || !bytes.Equal(s.MinValue, lo) || !bytes.Equal(s.MaxValue, hi) || s.Min != nil || s.Max != nil {
		t.Fatalf("%v: statistics %+v, want %d nulls, min %q, max %q", leaves[col].path, s, nulls, lo, hi)
	}
}

// TestSameBytesAnyThreads checks that the encoders' goroutines do not
// change the file.
func TestSameBytesAnyThreads(t *testing.T) {
	evs := edgeEvents(25_000)
	want := writeAll(t, Options{RowGroupRows: 10_000}, evs)
	for _, threads := range []int{2, 5} {
		if got := writeAll(t, Options{RowGroupRows: 10_000, Threads: threads}, evs); !bytes.Equal(got, want) {
			t.Fatalf("%d threads: %d bytes differ from 1 thread's %d", threads, len(got), len(want))
		}
	}
}

// TestSchemaElements checks that the footer's schema is what parquet-go
// writes for Schema.
func TestSchemaElements(t *testing.T) {
	var buf bytes.Buffer
	pw := parquet.NewWriter(&buf, Schema)
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	want := openFile(t, buf.Bytes()).Metadata()
	got := openFile(t, writeAll(t, Options{}, nil)).Metadata()
	if !reflect.DeepEqual(got.Schema, want.Schema) {
		t.Fatalf("schema\n got %+v\nwant %+v", got.Schema, want.Schema)
	}
	if !reflect.DeepEqual(got.ColumnOrders, want.ColumnOrders) {
		t.Fatalf("column orders\n got %+v\nwant %+v", got.ColumnOrders, want.ColumnOrders)
	}
}

// TestDictionaryFallback checks the chunk whose dictionary overflows: a
// dictionary page, RLE_DICTIONARY pages, then PLAIN pages.
func TestDictionaryFallback(t *testing.T) {
	data := writeAll(t, Options{}, edgeEvents(overflowRows+500))
	cm := openFile(t, data).Metadata().RowGroups[0].Columns[colUserProps].MetaData
	want := []format.Encoding{format.Plain, format.RLE, format.RLEDictionary}
	if !slices.Equal(cm.Encoding, want) || cm.DictionaryPageOffset == 0 {
		t.Fatalf("user_properties keys: encodings %v, dictionary page offset %d; want %v and a dictionary", cm.Encoding, cm.DictionaryPageOffset, want)
	}
	var plain, dict int32
	for _, s := range cm.EncodingStats {
		switch {
		case s.PageType == format.DataPage && s.Encoding == format.Plain:
			plain += s.Count
		case s.PageType == format.DataPage && s.Encoding == format.RLEDictionary:
			dict += s.Count
		}
	}
	if plain == 0 || dict == 0 {
		t.Fatalf("user_properties keys: %d PLAIN and %d RLE_DICTIONARY data pages, want both", plain, dict)
	}
}

// decodeHybrid decodes n values of the RLE/bit-packed hybrid encoding, as
// the Parquet spec describes it.
func decodeHybrid(t *testing.T, data []byte, width uint, n int) []uint32 {
	t.Helper()
	var out []uint32
	for len(out) < n {
		h, k := binary.Uvarint(data)
		if k <= 0 {
			t.Fatalf("bad run header after %d values", len(out))
		}
		data = data[k:]
		if h&1 == 0 { // repeated
			nb := int(width+7) / 8
			var v uint32
			for i := range nb {
				v |= uint32(data[i]) << (8 * i)
			}
			data = data[nb:]
			for range h >> 1 {
				out = append(out, v)
			}
			continue
		}
		groups := int(h >> 1)
		bits := data[:groups*int(width)]
		data = data[groups*int(width):]
		for i := range groups * 8 {
			var v uint32
			for b := range width {
				bit := uint(i)*width + b
				v |= uint32(bits[bit/8]>>(bit%8)&1) << b
			}
			out = append(out, v)
		}
	}
	if len(data) != 0 {
		t.Fatalf("%d bytes left after %d values", len(data), n)
	}
	return out[:n]
}

func TestHybrid(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, width := range []uint{0, 1, 2, 3, 7, 8, 9, 13, 16, 17, 24, 31, 32} {
		for trial := range 50 {
			n := r.IntN(2000)
			values := make([]uint32, n)
			mask := uint32(1<<width - 1)
			for i := range values {
				switch trial % 3 {
				case 0: // random
					values[i] = r.Uint32() & mask
				case 1: // runs
					if i == 0 || r.IntN(20) == 0 {
						values[i] = r.Uint32() & mask
					} else {
						values[i] = values[i-1]
					}
				default: // few distinct
					values[i] = uint32(r.IntN(3)) & mask
				}
			}
			got := decodeHybrid(t, appendHybrid(nil, values, width), width, n)
			if !slices.Equal(got, values) && n > 0 {
				t.Fatalf("width %d trial %d: decoded %v, want %v", width, trial, got, values)
			}
		}
	}
}

func TestMapLevels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		entries := make([]uint32, r.IntN(300))
		for i := range entries {
			switch r.IntN(4) {
			case 0:
				entries[i] = 0
			case 1:
				entries[i] = uint32(r.IntN(200))
			default:
				entries[i] = uint32(r.IntN(4))
			}
		}
		var rep, def []uint32
		for _, n := range entries {
			if n == 0 {
				rep, def = append(rep, 0), append(def, 0)
			}
			for j := range n {
				rep, def = append(rep, min(j, 1)), append(def, 1)
			}
		}
		for _, tt := range []struct {
			def  bool
			want []uint32
		}{{false, rep}, {true, def}} {
			enc := appendMapLevels(nil, entries, tt.def)
			if int(binary.LittleEndian.Uint32(enc)) != len(enc)-4 {
				t.Fatalf("trial %d: length prefix %d, %d bytes follow", trial, binary.LittleEndian.Uint32(enc), len(enc)-4)
			}
			if got := decodeHybrid(t, enc[4:], 1, len(tt.want)); !slices.Equal(got, tt.want) {
				t.Fatalf("trial %d def=%v: decoded %v, want %v", trial, tt.def, got, tt.want)
			}
		}
	}
}
