package partition_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/hackle/hackle-agent/agent/partition"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

func ExampleParseURL() {
	root, date, err := partition.ParseURL("s3://bucket/events/dt=2024-01-02/")
	fmt.Println(root, date, partition.Prefix(date.String()), err)
	_, _, err = partition.ParseURL("s3://bucket/events/")
	fmt.Println(err)
	// Output:
	// s3://bucket/events 2024-01-02 dt=2024-01-02/ <nil>
	// name a partition folder ending in dt=YYYY-MM-DD
}

func ExampleIsDataFile() {
	for _, name := range []string{"part-00000.snappy.parquet", "_SUCCESS", ".part-00000.snappy.parquet.crc", "hour=01/part-0.parquet"} {
		fmt.Println(name, partition.IsDataFile(name))
	}
	// Output:
	// part-00000.snappy.parquet true
	// _SUCCESS false
	// .part-00000.snappy.parquet.crc false
	// hour=01/part-0.parquet false
}

// A Reader streams every row of a partition, whoever wrote it. Here the
// folder holds one part that is not Parquet: the fault comes back as a
// *partition.FileError naming it.
func ExampleReader() {
	dir, _ := os.MkdirTemp("", "bucket")
	defer os.RemoveAll(dir)
	st, err := storefile.New(dir)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	st.Put(ctx, "dt=2024-01-02/_SUCCESS", strings.NewReader(""), 0)
	st.Put(ctx, "dt=2024-01-02/part-0.parquet", strings.NewReader("not parquet"), 11)

	day, _ := validate.ParseDate("2024-01-02")
	p, err := partition.Get(ctx, st, day)
	if err != nil {
		log.Fatal(err)
	}
	ver, m, err := p.Version(ctx, st) // no manifest: the listing's version
	if err != nil {
		log.Fatal(err)
	}
	r := &partition.Reader{Store: st, Partition: p, Manifest: m}
	fmt.Println(p.Ready(), ver[:2], r.Files())
	err = r.Each(ctx, func(f *partition.File, row *tolerant.Row) error { return nil })
	var fe *partition.FileError
	if errors.As(err, &fe) {
		fmt.Println("refused:", fe.Name)
	}
	// Output:
	// true l- [part-0.parquet]
	// refused: part-0.parquet
}
