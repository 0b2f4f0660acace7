package validate

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// validRaw is a row that passes every check, for tests to spoil one field at a time.
func validRaw() *Raw {
	return &Raw{
		TS:          "2023-01-01T12:00:00.123Z",
		EventKey:    "purchase",
		InsertID:    "123e4567-e89b-12d3-a456-426614174000",
		MetricValue: "12.5",
		Identifiers: []KV{{"id", "u1"}, {"device_id", "d1"}},
		UserProps:   []KV{{"tier", "gold"}},
		EventProps:  []KV{{"price", "12.5"}, {"currency", "KRW"}},
		PlatformProps: []KV{
			{"osname", "android"}, {"appversion", "1.2.3"}, {"osversion", "14"},
		},
	}
}

func jan1Rules() *Rules {
	d := Date{2023, time.January, 1}
	return &Rules{From: d, To: d}
}

// codes renders issues as "reason@field" for compact comparison.
func codes(issues []Issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, string(is.Reason)+"@"+is.Field)
	}
	return out
}

func TestCheckValid(t *testing.T) {
	raw := validRaw()
	raw.EventKey = "  purchase "
	raw.InsertID = "123E4567-E89B-12D3-A456-426614174000"
	raw.PlatformProps[0].Value = "ANDROID"
	var ev Event
	errs, warns := jan1Rules().Check(raw, &ev)
	if len(errs) != 0 || len(warns) != 0 {
		t.Fatalf("Check: errs %v warns %v, want none", errs, warns)
	}
	want := Event{
		TS:            utcMs(2023, 1, 1, 12, 0, 0, 123),
		EventKey:      "purchase",
		Identifiers:   []KV{{"device_id", "d1"}, {"id", "u1"}},
		InsertID:      "123e4567-e89b-12d3-a456-426614174000",
		MetricValue:   mustDecimal(t, "12.5"),
		UserProps:     []KV{{"tier", "gold"}},
		EventProps:    []KV{{"currency", "KRW"}, {"price", "12.5"}},
		PlatformProps: []KV{{"appversion", "1.2.3"}, {"osname", "Android"}, {"osversion", "14"}},
	}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("Check filled\n%+v\nwant\n%+v", ev, want)
	}
}

func mustDecimal(t testing.TB, s string) Decimal {
	d, _, reason := ParseDecimal(s)
	if reason != "" {
		t.Fatalf("ParseDecimal(%q): %s", s, reason)
	}
	return d
}

func TestCheck(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	tests := []struct {
		name      string
		rules     func(r *Rules)
		spoil     func(r *Raw)
		wantErrs  []string
		wantWarns []string
		check     func(t *testing.T, ev *Event)
	}{
		{name: "ts missing", spoil: func(r *Raw) { r.TS = " " }, wantErrs: []string{"ts_missing@ts"}},
		{name: "ts garbage", spoil: func(r *Raw) { r.TS = "soon" }, wantErrs: []string{"ts_invalid@ts"}},
		{name: "ts day before From", spoil: func(r *Raw) { r.TS = "2022-12-31T23:59:59.999Z" }, wantErrs: []string{"ts_out_of_range@ts"}},
		{name: "ts day after To", spoil: func(r *Raw) { r.TS = "2023-01-02T00:00:00Z" }, wantErrs: []string{"ts_out_of_range@ts"}},
		{name: "ts last millisecond of the day", spoil: func(r *Raw) { r.TS = "2023-01-01T23:59:59.999999Z" }},
		{name: "ts epoch ms", spoil: func(r *Raw) { r.TS = "1672531200000" },
			check: func(t *testing.T, ev *Event) { wantTS(t, ev, utcMs(2023, 1, 1, 0, 0, 0, 0)) }},
		{name: "ts naive Seoul falls on the previous UTC day",
			rules: func(r *Rules) { r.Time.Location = seoul; r.From, r.To = Date{2022, 12, 31}, Date{2022, 12, 31} },
			spoil: func(r *Raw) { r.TS = "2023-01-01 08:30:00" },
			check: func(t *testing.T, ev *Event) { wantTS(t, ev, utcMs(2022, 12, 31, 23, 30, 0, 0)) }},
		{name: "ts partition in Seoul accepts 15:00Z the day before",
			rules: func(r *Rules) { r.PartitionTZ = seoul },
			spoil: func(r *Raw) { r.TS = "2022-12-31T15:00:00Z" }},
		{name: "ts partition in Seoul rejects 15:00Z of the day",
			rules: func(r *Rules) { r.PartitionTZ = seoul },
			spoil: func(r *Raw) { r.TS = "2023-01-01T15:00:00Z" }, wantErrs: []string{"ts_out_of_range@ts"}},
		{name: "ts open range", rules: func(r *Rules) { r.From, r.To = Date{}, Date{} },
			spoil: func(r *Raw) { r.TS = "1999-01-01T00:00:00Z" }},
		{name: "ts range over days", rules: func(r *Rules) { r.To = Date{2023, 1, 3} },
			spoil: func(r *Raw) { r.TS = "2023-01-03T10:00:00Z" }},

		{name: "event_key empty", spoil: func(r *Raw) { r.EventKey = " \t" }, wantErrs: []string{"event_key_empty@event_key"}},
		{name: "event_key invalid UTF-8", spoil: func(r *Raw) { r.EventKey = "buy\xff" }, wantErrs: []string{"invalid_utf8@event_key"}},
		{name: "event_key with a NUL", spoil: func(r *Raw) { r.EventKey = "buy\x00" }, wantErrs: []string{"text_nul@event_key"}},
		{name: "event_key with a lone surrogate", spoil: func(r *Raw) { r.EventKey = " buy\xed\xa0\x80 " },
			wantWarns: []string{"lone_surrogate@event_key"},
			check: func(t *testing.T, ev *Event) {
				if ev.EventKey != "buy\ufffd" {
					t.Errorf("EventKey = %q, want %q", ev.EventKey, "buy\ufffd")
				}
			}},
		{name: "event_key with a lone surrogate and invalid UTF-8", spoil: func(r *Raw) { r.EventKey = "\xed\xa0\x80\xff" },
			wantErrs: []string{"invalid_utf8@event_key"}},

		{name: "identifiers.id missing", spoil: func(r *Raw) { r.Identifiers = []KV{{"device_id", "d"}} },
			wantErrs: []string{"identifier_missing@identifiers.id"}},
		{name: "identifiers.device_id empty", spoil: func(r *Raw) { r.Identifiers[1].Value = "  " },
			wantErrs: []string{"identifier_missing@identifiers.device_id"}},
		{name: "identifiers both missing", spoil: func(r *Raw) { r.Identifiers = nil },
			wantErrs: []string{"identifier_missing@identifiers.id", "identifier_missing@identifiers.device_id"}},
		{name: "identifiers keys lowercased", spoil: func(r *Raw) { r.Identifiers = []KV{{" ID ", "u"}, {"Device_ID", "d"}, {"User_Id", "x"}} },
			check: func(t *testing.T, ev *Event) {
				wantMap(t, ev.Identifiers, []KV{{"device_id", "d"}, {"id", "u"}, {"user_id", "x"}})
			}},

		{name: "insert_id missing", spoil: func(r *Raw) { r.InsertID = "" }, wantErrs: []string{"insert_id_missing@insert_id"}},
		{name: "insert_id not a UUID", spoil: func(r *Raw) { r.InsertID = "abc-123" }, wantErrs: []string{"insert_id_invalid@insert_id"}},
		{name: "insert_id invalid UTF-8", spoil: func(r *Raw) { r.InsertID = "\xfe" }, wantErrs: []string{"invalid_utf8@insert_id"}},

		{name: "metric absent is 0", spoil: func(r *Raw) { r.MetricValue = "" },
			check: func(t *testing.T, ev *Event) { wantMetric(t, ev, "0.000000") }},
		{name: "metric invalid", spoil: func(r *Raw) { r.MetricValue = "1,000" }, wantErrs: []string{"metric_invalid@metric_value"}},
		{name: "metric too large", spoil: func(r *Raw) { r.MetricValue = "1e21" }, wantErrs: []string{"metric_too_large@metric_value"}},
		{name: "metric rounded", spoil: func(r *Raw) { r.MetricValue = "12.3456789" },
			wantWarns: []string{"metric_rounded@metric_value"},
			check:     func(t *testing.T, ev *Event) { wantMetric(t, ev, "12.345679") }},

		{name: "map keys lowercased and sorted", spoil: func(r *Raw) {
			r.EventProps = []KV{{"Zeta", "1"}, {" Price ", "2"}, {"ALPHA", "3"}}
		}, check: func(t *testing.T, ev *Event) {
			wantMap(t, ev.EventProps, []KV{{"alpha", "3"}, {"price", "2"}, {"zeta", "1"}})
		}},
		{name: "duplicate keys keep the first", spoil: func(r *Raw) {
			r.EventProps = []KV{{"price", "1"}, {"b", "x"}, {"Price", "2"}, {"PRICE", "3"}}
		}, wantWarns: []string{"duplicate_key@event_properties.price", "duplicate_key@event_properties.price"},
			check: func(t *testing.T, ev *Event) { wantMap(t, ev.EventProps, []KV{{"b", "x"}, {"price", "1"}}) }},
		{name: "duplicate user property", spoil: func(r *Raw) { r.UserProps = []KV{{"Tier", "a"}, {"tier", "b"}} },
			wantWarns: []string{"duplicate_key@user_properties.tier"},
			check:     func(t *testing.T, ev *Event) { wantMap(t, ev.UserProps, []KV{{"tier", "a"}}) }},
		{name: "empty key dropped", spoil: func(r *Raw) { r.UserProps = []KV{{" ", "a"}, {"tier", "b"}} },
			wantWarns: []string{"empty_key@user_properties"},
			check:     func(t *testing.T, ev *Event) { wantMap(t, ev.UserProps, []KV{{"tier", "b"}}) }},
		{name: "values kept as source text", spoil: func(r *Raw) { r.EventProps = []KV{{"n", "1e21"}, {"o", `{"a":1}`}, {"s", " padded "}} },
			check: func(t *testing.T, ev *Event) {
				wantMap(t, ev.EventProps, []KV{{"n", "1e21"}, {"o", `{"a":1}`}, {"s", " padded "}})
			}},
		{name: "map key invalid UTF-8", spoil: func(r *Raw) { r.EventProps = []KV{{"pr\xffice", "1"}} },
			wantErrs: []string{`invalid_utf8@event_properties.pr\xffice`}},
		{name: "map value invalid UTF-8", spoil: func(r *Raw) { r.UserProps = []KV{{"name", "\xc3\x28"}} },
			wantErrs: []string{"invalid_utf8@user_properties.name"}},
		{name: "map key with a NUL", spoil: func(r *Raw) { r.EventProps = []KV{{"pr\x00ice", "1"}} },
			wantErrs: []string{`text_nul@event_properties.pr\u0000ice`}},
		{name: "identifier with a NUL", spoil: func(r *Raw) { r.Identifiers[0].Value = "u\x00" },
			wantErrs: []string{"text_nul@identifiers.id"}},
		{name: "long map value with a NUL", spoil: func(r *Raw) { r.UserProps = []KV{{"name", "abcdefghijklmnop\x00"}} },
			wantErrs: []string{"text_nul@user_properties.name"}},
		{name: "map key and value with lone surrogates", spoil: func(r *Raw) {
			r.EventProps = []KV{{"K\xed\xb0\x80", "x\xed\xbf\xbfy\xed\xa0\x80"}, {"ok", "\ud7ff\ue000"}}
		}, wantWarns: []string{"lone_surrogate@event_properties.K\ufffd", "lone_surrogate@event_properties.k\ufffd"},
			check: func(t *testing.T, ev *Event) {
				wantMap(t, ev.EventProps, []KV{{"k\ufffd", "x\ufffdy\ufffd"}, {"ok", "\ud7ff\ue000"}})
			}},

		{name: "osname ios", spoil: func(r *Raw) { r.PlatformProps[0].Value = " IOS " },
			check: func(t *testing.T, ev *Event) { wantOS(t, ev, "iOS") }},
		{name: "osname iOS", spoil: func(r *Raw) { r.PlatformProps[0].Value = "iOS" },
			check: func(t *testing.T, ev *Event) { wantOS(t, ev, "iOS") }},
		{name: "osname AnDroid", spoil: func(r *Raw) { r.PlatformProps[0].Value = "AnDroid" },
			check: func(t *testing.T, ev *Event) { wantOS(t, ev, "Android") }},
		{name: "osname key in capitals", spoil: func(r *Raw) { r.PlatformProps[0].Key = "OSName" },
			check: func(t *testing.T, ev *Event) { wantOS(t, ev, "Android") }},
		{name: "osname other", spoil: func(r *Raw) { r.PlatformProps[0].Value = "iPadOS" },
			wantErrs: []string{"osname_invalid@platform_properties.osname"}},
		{name: "osname missing", spoil: func(r *Raw) { r.PlatformProps = r.PlatformProps[1:] },
			wantErrs: []string{"osname_invalid@platform_properties.osname"}},
		{name: "appversion missing", spoil: func(r *Raw) { r.PlatformProps = []KV{{"osname", "ios"}} },
			wantErrs: []string{"appversion_missing@platform_properties.appversion"}},
		{name: "appversion empty", spoil: func(r *Raw) { r.PlatformProps[1].Value = " " },
			wantErrs: []string{"appversion_missing@platform_properties.appversion"}},

		{name: "everything wrong, in field order", spoil: func(r *Raw) {
			*r = Raw{UserProps: []KV{{"a", "\xff"}}, EventProps: []KV{{"b", "\xff"}}, MetricValue: "x"}
		}, wantErrs: []string{
			"ts_missing@ts", "event_key_empty@event_key",
			"identifier_missing@identifiers.id", "identifier_missing@identifiers.device_id",
			"insert_id_missing@insert_id", "metric_invalid@metric_value",
			"invalid_utf8@user_properties.a", "invalid_utf8@event_properties.b",
			"osname_invalid@platform_properties.osname", "appversion_missing@platform_properties.appversion",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := jan1Rules()
			if tt.rules != nil {
				tt.rules(rules)
			}
			raw := validRaw()
			tt.spoil(raw)
			var ev Event
			errs, warns := rules.Check(raw, &ev)
			if got := codes(errs); !reflect.DeepEqual(got, tt.wantErrs) {
				t.Errorf("errs = %v, want %v\n%+v", got, tt.wantErrs, errs)
			}
			if got := codes(warns); !reflect.DeepEqual(got, tt.wantWarns) {
				t.Errorf("warns = %v, want %v\n%+v", got, tt.wantWarns, warns)
			}
			for _, is := range append(errs, warns...) {
				if is.Message == "" || !strings.HasSuffix(is.Message, ".") || strings.Count(is.Message, ". ") > 0 {
					t.Errorf("message %q is not one sentence", is.Message)
				}
			}
			if tt.check != nil {
				tt.check(t, &ev)
			}
		})
	}
}

func wantTS(t *testing.T, ev *Event, ms int64) {
	t.Helper()
	if ev.TS != ms {
		t.Errorf("TS = %d, want %d", ev.TS, ms)
	}
}

func wantMetric(t *testing.T, ev *Event, s string) {
	t.Helper()
	if got := ev.MetricValue.String(); got != s {
		t.Errorf("MetricValue = %s, want %s", got, s)
	}
}

func wantMap(t *testing.T, got, want []KV) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("map = %v, want %v", got, want)
	}
}

func wantOS(t *testing.T, ev *Event, os string) {
	t.Helper()
	if v, _ := lookup(ev.PlatformProps, "osname"); v != os {
		t.Errorf("osname = %q, want %q", v, os)
	}
}

func TestCheckMessages(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	r := &Rules{PartitionTZ: seoul, From: Date{2023, 1, 1}, To: Date{2023, 1, 2}}
	raw := validRaw()
	raw.TS = "2023-01-03T10:00:00Z"
	errs, _ := r.Check(raw, &Event{})
	if len(errs) != 1 {
		t.Fatalf("errs = %v", errs)
	}
	for _, want := range []string{"2023-01-03", "Asia/Seoul", "2023-01-01 to 2023-01-02", raw.TS} {
		if !strings.Contains(errs[0].Message, want) {
			t.Errorf("message %q does not say %q", errs[0].Message, want)
		}
	}
	if errs[0].Value != raw.TS {
		t.Errorf("Value = %q, want %q", errs[0].Value, raw.TS)
	}

	raw = validRaw()
	raw.InsertID = strings.Repeat("x", 500) + "\xff"
	errs, _ = r.Check(raw, &Event{})
	if len(errs) != 1 || len(errs[0].Value) > MaxValueBytes || len(errs[0].Message) > 2*MaxValueBytes {
		t.Errorf("long value not shortened: %+v", errs)
	}
}

func TestCheckReusesEvent(t *testing.T) {
	r := jan1Rules()
	var ev Event
	r.Check(validRaw(), &ev)
	raw := validRaw()
	raw.EventProps = []KV{{"only", "one"}}
	r.Check(raw, &ev)
	wantMap(t, ev.EventProps, []KV{{"only", "one"}})
}

func TestCheckAllocations(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	for _, r := range []*Rules{jan1Rules(), {PartitionTZ: seoul, Time: TimeFormat{Location: seoul}}} {
		raw := validRaw()
		raw.TS = "2023-01-01 12:00:00.123"
		var ev Event
		allocs := testing.AllocsPerRun(200, func() {
			if errs, warns := r.Check(raw, &ev); errs != nil || warns != nil {
				t.Fatalf("errs %v warns %v", errs, warns)
			}
		})
		if allocs != 0 {
			t.Errorf("Check of a valid row allocates %v times, want 0", allocs)
		}
	}
}

func TestCheckDuplicatesInLargeMap(t *testing.T) {
	raw := validRaw()
	raw.EventProps = nil
	for i := 0; i < 40; i++ {
		key := string(rune('a' + i%20))
		if i >= 20 {
			key = strings.ToUpper(key)
		}
		raw.EventProps = append(raw.EventProps, KV{key, strings.Repeat("v", i+1)})
	}
	var ev Event
	_, warns := jan1Rules().Check(raw, &ev)
	if len(warns) != 20 || len(ev.EventProps) != 20 {
		t.Fatalf("warns %d, props %d; want 20, 20", len(warns), len(ev.EventProps))
	}
	for i, kv := range ev.EventProps {
		if kv.Key != string(rune('a'+i)) || kv.Value != strings.Repeat("v", i+1) {
			t.Errorf("entry %d = %v, want the first %q", i, kv, string(rune('a'+i)))
		}
	}
}
