package validate

import (
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func loadPlan(t testing.TB, file string) *Plan {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlan(data, file)
	if err != nil {
		t.Fatalf("LoadPlan(%s): %v", file, err)
	}
	return p
}

func TestLoadPlan(t *testing.T) {
	y := loadPlan(t, "plan.yaml")
	if y.Unplanned != UnplannedWarn || !reflect.DeepEqual(y.Events(), []string{"app_open", "purchase"}) {
		t.Errorf("plan.yaml: unplanned %q events %v", y.Unplanned, y.Events())
	}
	j := loadPlan(t, "plan.json")
	if j.Unplanned != UnplannedReject || !reflect.DeepEqual(j.Events(), []string{"purchase"}) {
		t.Errorf("plan.json: unplanned %q events %v", j.Unplanned, j.Events())
	}
	// Without a known extension JSON is tried first, then YAML.
	for _, name := range []string{"plan.yaml", "plan.json"} {
		data, _ := os.ReadFile("testdata/" + name)
		if _, err := LoadPlan(data, "plan"); err != nil {
			t.Errorf("LoadPlan(%s as plan): %v", name, err)
		}
	}
	// YAML reads unquoted dates as times and 1: as an int key; both must stay JSON text.
	dates, err := LoadPlan([]byte("events:\n  a:\n    event_properties:\n      properties:\n        day: {enum: [2023-01-01]}\n        1: {type: string}\n"), "d.yaml")
	if err != nil {
		t.Fatalf("dates plan: %v", err)
	}
	r := jan1Rules()
	r.Plan = dates
	raw := validRaw()
	raw.EventKey = "a"
	raw.EventProps = []KV{{"day", "2023-01-01"}, {"1", "x"}}
	if errs, _ := r.Check(raw, &Event{}); len(errs) != 0 {
		t.Errorf("date enum: %v", errs)
	}
	raw.EventProps = []KV{{"day", "2023-01-02"}}
	if errs, _ := r.Check(raw, &Event{}); len(codes(errs)) != 1 {
		t.Errorf("date enum violation: %v", errs)
	}

	p, err := LoadPlan([]byte("events: {a: }"), "p.yml")
	if err != nil || p.Unplanned != UnplannedAllow {
		t.Errorf("default unplanned = %v, %v; want allow", p, err)
	}
}

func TestLoadPlanErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // substrings of the error
	}{
		{"bad yaml", "events: [", []string{"bad.yaml"}},
		{"bad json", `{"events": `, []string{"bad.json"}},
		{"not a mapping", "- a", []string{"bad.yaml", "mapping"}},
		{"unknown top key", "event: {}", []string{"bad.yaml", `"event"`}},
		{"bad unplanned", "unplanned: maybe", []string{"bad.yaml", "maybe"}},
		{"unknown event key", "events: {purchase: {props: {}}}", []string{"bad.yaml", `"purchase"`, `"props"`}},
		{"schema not an object", "events: {purchase: {event_properties: 3}}", []string{"bad.yaml", `"purchase"`, "event_properties"}},
		{"invalid schema", "events: {purchase: {event_properties: {type: 12}}}", []string{"bad.yaml", `"purchase"`, "event_properties"}},
		{"uppercase property", "events: {purchase: {event_properties: {properties: {Price: {}}}}}", []string{"bad.yaml", `"purchase"`, `"Price"`, "lowercase"}},
		{"uppercase required", "events: {purchase: {user_properties: {required: [Tier]}}}", []string{"bad.yaml", `"purchase"`, `"Tier"`}},
		{"remote ref", "events: {purchase: {event_properties: {$ref: 'http://example.com/s.json'}}}", []string{"bad.yaml", "local"}},
	}
	for _, tt := range tests {
		name := "bad.yaml"
		if strings.HasPrefix(tt.data, "{") {
			name = "bad.json"
		}
		_, err := LoadPlan([]byte(tt.data), name)
		if err == nil {
			t.Errorf("%s: LoadPlan succeeded, want an error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %s", tt.name, err, w)
			}
		}
	}
}

func TestCheckPlan(t *testing.T) {
	yamlPlan := loadPlan(t, "plan.yaml")
	jsonPlan := loadPlan(t, "plan.json")
	allow, err := LoadPlan([]byte("unplanned: allow\nevents: {purchase: }"), "allow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		plan      *Plan
		spoil     func(r *Raw)
		wantErrs  []string
		wantWarns []string
	}{
		{name: "planned and valid", plan: yamlPlan, spoil: func(r *Raw) {
			r.EventProps = []KV{{"price", "12.5"}, {"currency", "KRW"}, {"tags", `["a","b"]`}, {"gift", "true"}}
		}},
		{name: "string-typed property keeps numeric text a string", plan: yamlPlan, spoil: func(r *Raw) {
			r.EventProps = append(r.EventProps, KV{"product_id", "12345"})
		}},
		{name: "wrong type", plan: yamlPlan, spoil: func(r *Raw) { r.EventProps[0].Value = "cheap" },
			wantErrs: []string{"plan_violation@event_properties.price"}},
		{name: "minimum", plan: yamlPlan, spoil: func(r *Raw) { r.EventProps[0].Value = "-1" },
			wantErrs: []string{"plan_violation@event_properties.price"}},
		{name: "missing required", plan: yamlPlan, spoil: func(r *Raw) { r.EventProps = []KV{{"Price", "1"}} },
			wantErrs: []string{"plan_violation@event_properties.currency"}},
		{name: "nested item", plan: yamlPlan, spoil: func(r *Raw) { r.EventProps = append(r.EventProps, KV{"tags", `["a",1]`}) },
			wantErrs: []string{"plan_violation@event_properties.tags.1"}},
		{name: "user property enum", plan: yamlPlan, spoil: func(r *Raw) { r.UserProps[0].Value = "bronze" },
			wantErrs: []string{"plan_violation@user_properties.tier"}},
		{name: "violations in field order", plan: yamlPlan, spoil: func(r *Raw) {
			r.UserProps[0].Value = "bronze"
			r.EventProps[1].Value = "EUR"
			r.PlatformProps = r.PlatformProps[1:]
		}, wantErrs: []string{"plan_violation@user_properties.tier", "plan_violation@event_properties.currency", "osname_invalid@platform_properties.osname"}},
		{name: "planned without schema", plan: yamlPlan, spoil: func(r *Raw) { r.EventKey = "app_open"; r.EventProps = []KV{{"x", "y"}} }},
		{name: "unplanned warn", plan: yamlPlan, spoil: func(r *Raw) { r.EventKey = "signup" },
			wantWarns: []string{"unplanned_event_warning@event_key"}},
		{name: "unplanned reject", plan: jsonPlan, spoil: func(r *Raw) { r.EventKey = "signup" },
			wantErrs: []string{"unplanned_event@event_key"}},
		{name: "unplanned allow", plan: allow, spoil: func(r *Raw) { r.EventKey = "signup" }},
		{name: "event key is case-sensitive", plan: jsonPlan, spoil: func(r *Raw) { r.EventKey = "Purchase" },
			wantErrs: []string{"unplanned_event@event_key"}},
		{name: "additional property", plan: jsonPlan, spoil: func(r *Raw) { r.EventProps = []KV{{"price", "1"}, {"coupon", "X"}} },
			wantErrs: []string{"plan_violation@event_properties.coupon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := jan1Rules()
			r.Plan = tt.plan
			raw := validRaw()
			tt.spoil(raw)
			errs, warns := r.Check(raw, &Event{})
			if got := codes(errs); !reflect.DeepEqual(got, tt.wantErrs) {
				t.Errorf("errs = %v, want %v\n%+v", got, tt.wantErrs, errs)
			}
			if got := codes(warns); !reflect.DeepEqual(got, tt.wantWarns) {
				t.Errorf("warns = %v, want %v\n%+v", got, tt.wantWarns, warns)
			}
		})
	}
}

func TestPlanViolationMessage(t *testing.T) {
	r := jan1Rules()
	r.Plan = loadPlan(t, "plan.yaml")
	raw := validRaw()
	raw.EventProps[0].Value = "cheap"
	errs, _ := r.Check(raw, &Event{})
	if len(errs) != 1 {
		t.Fatalf("errs = %+v", errs)
	}
	e := errs[0]
	if e.Value != "cheap" || !strings.Contains(e.Message, `"purchase"`) || !strings.Contains(e.Message, "number") {
		t.Errorf("violation = %+v", e)
	}
}

func TestCheckPlanConcurrent(t *testing.T) {
	r := jan1Rules()
	r.Plan = loadPlan(t, "plan.yaml")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ev Event
			for range 50 {
				raw := validRaw()
				raw.EventProps[0].Value = "cheap"
				if errs, _ := r.Check(raw, &ev); len(errs) != 1 {
					t.Errorf("errs = %v", errs)
					return
				}
			}
		}()
	}
	wg.Wait()
}
