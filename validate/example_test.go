package validate_test

import (
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

func ExampleParseDecimal() {
	for _, text := range []string{"12.5", "12.3456789", "0.0000005", "1e3", "1e21", "1,000"} {
		d, rounded, reason := validate.ParseDecimal(text)
		if reason != "" {
			fmt.Printf("%-10s rejected: %s\n", text, reason)
			continue
		}
		fmt.Printf("%-10s %s rounded=%v\n", text, d, rounded)
	}
	// Output:
	// 12.5       12.500000 rounded=false
	// 12.3456789 12.345679 rounded=true
	// 0.0000005  0.000000 rounded=true
	// 1e3        1000.000000 rounded=false
	// 1e21       rejected: metric_too_large
	// 1,000      rejected: metric_invalid
}

func ExampleRules_Check() {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	day, _ := validate.ParseDate("2023-01-01")
	rules := &validate.Rules{
		Time:        validate.TimeFormat{Location: seoul}, // naive source times are Seoul time
		PartitionTZ: seoul,
		From:        day,
		To:          day,
	}
	raw := &validate.Raw{
		TS:            "2023-01-01 08:30:00.123456",
		EventKey:      "purchase",
		InsertID:      "123E4567-E89B-12D3-A456-426614174000",
		MetricValue:   "19.9900001",
		Identifiers:   []validate.KV{{Key: "ID", Value: "user-1"}, {Key: "device_id", Value: "dev-1"}},
		EventProps:    []validate.KV{{Key: "Price", Value: "19.99"}, {Key: "price", Value: "20"}},
		PlatformProps: []validate.KV{{Key: "osname", Value: "IOS"}, {Key: "appversion", Value: "3.1.0"}},
	}
	var ev validate.Event
	errs, warns := rules.Check(raw, &ev)
	fmt.Println("errors:", len(errs))
	for _, w := range warns {
		fmt.Println("warning:", w.Reason, w.Field)
	}
	fmt.Println(time.UnixMilli(ev.TS).UTC().Format(time.RFC3339Nano), ev.InsertID, ev.MetricValue)
	fmt.Println(ev.Identifiers, ev.EventProps, ev.PlatformProps)

	raw.TS = "2023-01-02 00:00:00"
	errs, _ = rules.Check(raw, &ev)
	fmt.Println(errs[0].Reason+":", errs[0].Message)
	// Output:
	// errors: 0
	// warning: metric_rounded metric_value
	// warning: duplicate_key event_properties.price
	// 2022-12-31T23:30:00.123Z 123e4567-e89b-12d3-a456-426614174000 19.990000
	// [{device_id dev-1} {id user-1}] [{price 19.99}] [{appversion 3.1.0} {osname iOS}]
	// ts_out_of_range: ts "2023-01-02 00:00:00" falls on 2023-01-02 in Asia/Seoul, outside the accepted days 2023-01-01 only.
}
