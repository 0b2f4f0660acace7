package validate

import (
	"math/big"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		text    string
		want    string
		rounded bool
	}{
		{"", "0.000000", false},
		{"   ", "0.000000", false},
		{"0", "0.000000", false},
		{"12.5", "12.500000", false},
		{" 12.5 ", "12.500000", false},
		{"-0.5", "-0.500000", false},
		{"+3", "3.000000", false},
		{".5", "0.500000", false},
		{"5.", "5.000000", false},
		{"007", "7.000000", false},
		{"12.3456789", "12.345679", true},
		{"0.0000005", "0.000000", true},     // half-even: tie goes to the even 0
		{"0.0000015", "0.000002", true},     // half-even: tie goes to the even 2
		{"0.0000025", "0.000002", true},     // tie, already even: down
		{"0.00000250001", "0.000003", true}, // above the tie: up
		{"0.0000024999", "0.000002", true},
		{"-0.0000015", "-0.000002", true},
		{"-0.0000005", "0.000000", true}, // rounds to zero: no negative zero
		{"-12.3456785", "-12.345678", true},
		{"1.0000000", "1.000000", false}, // extra zero decimals are not rounding
		{"1e3", "1000.000000", false},
		{"1E+3", "1000.000000", false},
		{"1.5e-3", "0.001500", false},
		{"-2.5E-7", "0.000000", true},
		{"1e-7", "0.000000", true},
		{"1e-999999999", "0.000000", true},
		{"0e999999999", "0.000000", false},
		{"1e17", "100000000000000000.000000", false},
		{"123456789012345678", "123456789012345678.000000", false},
		{"-123456789012345678.123456", "-123456789012345678.123456", false},
		{"999999999999999999.999999", "999999999999999999.999999", false},
		{"0.000000000000000000000000000001", "0.000000", true},
	}
	for _, tt := range tests {
		d, rounded, reason := ParseDecimal(tt.text)
		if reason != "" {
			t.Errorf("ParseDecimal(%q) reason %q, want ok", tt.text, reason)
			continue
		}
		if got := d.String(); got != tt.want || rounded != tt.rounded {
			t.Errorf("ParseDecimal(%q) = %s rounded=%v, want %s rounded=%v", tt.text, got, rounded, tt.want, tt.rounded)
		}
	}
}

func TestParseDecimalRejects(t *testing.T) {
	tests := []struct {
		text string
		want Reason
	}{
		{"abc", MetricInvalid},
		{"NaN", MetricInvalid},
		{"Inf", MetricInvalid},
		{"-Infinity", MetricInvalid},
		{"1,000", MetricInvalid},
		{"1 000", MetricInvalid},
		{"0x10", MetricInvalid},
		{"1e", MetricInvalid},
		{"1e+", MetricInvalid},
		{".", MetricInvalid},
		{"-", MetricInvalid},
		{"--1", MetricInvalid},
		{"1.2.3", MetricInvalid},
		{"\"12\"", MetricInvalid},
		{"1e21", MetricTooLarge},
		{"1e18", MetricTooLarge},
		{"1234567890123456789", MetricTooLarge},
		{"-1234567890123456789", MetricTooLarge},
		{"12345678901234567890", MetricTooLarge},
		{"0.1e20", MetricTooLarge},
		{"1e999999999999", MetricTooLarge},
		{"999999999999999999.9999995", MetricTooLarge}, // rounds up to 19 integer digits
	}
	for _, tt := range tests {
		d, _, reason := ParseDecimal(tt.text)
		if reason != tt.want {
			t.Errorf("ParseDecimal(%q) = %s reason %q, want %q", tt.text, d, reason, tt.want)
		}
	}
}

func TestDecimalBytes(t *testing.T) {
	tests := []struct {
		text string
		want Decimal
	}{
		{"0", Decimal{}},
		{"0.000001", Decimal{10: 1}},
		{"1", Decimal{8: 0x0f, 9: 0x42, 10: 0x40}}, // 1000000
		{"-0.000001", Decimal{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, tt := range tests {
		d, _, _ := ParseDecimal(tt.text)
		if d != tt.want {
			t.Errorf("ParseDecimal(%q) bytes = % x, want % x", tt.text, d[:], tt.want[:])
		}
	}
}

func TestDecimalRoundTrip(t *testing.T) {
	for _, s := range []string{"0.000000", "1.000000", "-1.000000", "12.345679", "-0.500000",
		"999999999999999999.999999", "-999999999999999999.999999", "18446744073709.551616"} {
		d, rounded, reason := ParseDecimal(s)
		if reason != "" || rounded || d.String() != s {
			t.Errorf("round trip %q: got %s rounded=%v reason=%q", s, d, rounded, reason)
		}
		if got := d.Unscaled().String(); got != bigFromText(s) {
			t.Errorf("%q Unscaled() = %s, want %s", s, got, bigFromText(s))
		}
		back, _, _ := DecimalFromUnscaled(d.Unscaled(), 6)
		if back != d {
			t.Errorf("DecimalFromUnscaled(Unscaled(%s)) = %s", s, back)
		}
	}
}

// bigFromText drops the point of a 6-decimal text: the unscaled integer.
func bigFromText(s string) string {
	v, _ := new(big.Int).SetString(s[:len(s)-7]+s[len(s)-6:], 10)
	return v.String()
}

func TestDecimalFromUnscaled(t *testing.T) {
	tests := []struct {
		unscaled string
		scale    int
		want     string
		rounded  bool
		reason   Reason
	}{
		{"125", 2, "1.250000", false, ""},
		{"-125", 0, "-125.000000", false, ""},
		{"5", -2, "500.000000", false, ""},
		{"12345675", 7, "1.234568", true, ""}, // tie, odd: up
		{"12345665", 7, "1.234566", true, ""}, // tie, even: down
		{"-12345675", 7, "-1.234568", true, ""},
		{"123456789012345678901", 2, "1234567890123456789.010000", false, MetricTooLarge},
		{"1000000000000000000", 0, "", false, MetricTooLarge},
		{"999999999999999999", 0, "999999999999999999.000000", false, ""},
	}
	for _, tt := range tests {
		v, _ := new(big.Int).SetString(tt.unscaled, 10)
		d, rounded, reason := DecimalFromUnscaled(v, tt.scale)
		if reason != tt.reason {
			t.Errorf("DecimalFromUnscaled(%s, %d) reason %q, want %q", tt.unscaled, tt.scale, reason, tt.reason)
			continue
		}
		if reason == "" && (d.String() != tt.want || rounded != tt.rounded) {
			t.Errorf("DecimalFromUnscaled(%s, %d) = %s rounded=%v, want %s rounded=%v", tt.unscaled, tt.scale, d, rounded, tt.want, tt.rounded)
		}
	}
}

func TestDecimalFromBytes(t *testing.T) {
	tests := []struct {
		b     []byte
		scale int
		want  string
	}{
		{nil, 2, "0.000000"},
		{[]byte{0x04, 0xd2}, 2, "12.340000"},  // 1234
		{[]byte{0xfb, 0x2e}, 2, "-12.340000"}, // -1234
		{[]byte{0xff}, 0, "-1.000000"},
		{[]byte{0x00, 0x80}, 0, "128.000000"},
	}
	for _, tt := range tests {
		d, _, reason := DecimalFromBytes(tt.b, tt.scale)
		if reason != "" || d.String() != tt.want {
			t.Errorf("DecimalFromBytes(% x, %d) = %s %q, want %s", tt.b, tt.scale, d, reason, tt.want)
		}
	}
}

func TestParseDecimalNoAlloc(t *testing.T) {
	for _, s := range []string{"12.5", "-123456789012345678.1234567", "1e-3", ""} {
		if n := testing.AllocsPerRun(100, func() { ParseDecimal(s) }); n != 0 {
			t.Errorf("ParseDecimal(%q) allocates %v times, want 0", s, n)
		}
	}
}
