package validate

import "testing"

func BenchmarkCheck(b *testing.B) {
	r := jan1Rules()
	raw := validRaw()
	var ev Event
	b.ReportAllocs()
	for b.Loop() {
		r.Check(raw, &ev)
	}
}

func BenchmarkCheckWithPlan(b *testing.B) {
	r := jan1Rules()
	r.Plan = loadPlan(b, "plan.yaml")
	raw := validRaw()
	var ev Event
	b.ReportAllocs()
	for b.Loop() {
		r.Check(raw, &ev)
	}
}

func BenchmarkParseTimestamp(b *testing.B) {
	seoul := mustLoc(b, "Asia/Seoul")
	cases := []struct {
		name, text string
		f          TimeFormat
	}{
		{"rfc3339", "2023-01-01T12:34:56.789123Z", TimeFormat{}},
		{"rfc3339_offset", "2023-01-01T12:34:56.789+09:00", TimeFormat{}},
		{"epoch_ms", "1672531200123", TimeFormat{}},
		{"epoch_s_fraction", "1672531200.123456", TimeFormat{}},
		{"naive_seoul", "2023-01-01 12:34:56.789", TimeFormat{Location: seoul}},
		{"go_layout", "01/02/2023 12:34:56", TimeFormat{Layout: "01/02/2006 15:04:05"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseTimestamp(c.text, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	for _, text := range []string{"12.5", "123456789012345678.123456", "12.3456789", "1.5e-3"} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, reason := ParseDecimal(text); reason != "" {
					b.Fatal(reason)
				}
			}
		})
	}
}

// BenchmarkCheckExportRow checks a row shaped like the benchmark's
// generated events (testdata/gen): four identifiers, six platform properties.
func BenchmarkCheckExportRow(b *testing.B) {
	r := jan1Rules()
	raw := &Raw{
		TS:          "2023-01-01T12:27:37.202Z",
		EventKey:    "search",
		InsertID:    "168a4339-6334-428f-aadf-24d2261a23c4",
		MetricValue: "0",
		Identifiers: []KV{{"device_id", "0000EC37-ABCD-0477"}, {"id", "dev-00060471"}, {"session_id", "1672591321.7"}, {"user_id", "71784"}},
		UserProps:   []KV{{"date_signed", "2022-07-01"}, {"grade", "VIP"}},
		PlatformProps: []KV{{"appversion", "6.9.3"}, {"devicemodel", "iPhone14,2"}, {"devicevendor", "Apple"},
			{"language", "ko-KR"}, {"osname", "iOS"}, {"osversion", "16.0.2"}},
	}
	var ev Event
	b.ReportAllocs()
	for b.Loop() {
		if errs, _ := r.Check(raw, &ev); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
