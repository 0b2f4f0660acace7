package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hackle/hackle-agent/validate"
)

// ResolveTemplates replaces the date tokens of --input values by the
// partition days from..to, so that a daily job can name its day's export:
//
//	{date}      2023-01-02 (YYYY-MM-DD)
//	{yyyymmdd}  20230102
//	{yyyy}      2023
//	{mm}        01
//	{dd}        02
//
// Every token takes an offset in days: {date-1} is the day before the
// partition day, {yyyymmdd+1} the day after, {mm-1} the month of the day
// before. A value with tokens yields one name per day of the range (a
// backfill reads each day's files); names that come out the same for
// several days are kept once, in order. A value without '{' is kept as it
// is. An unknown token is an InputError that names it.
func ResolveTemplates(patterns []string, from, to validate.Date) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, p := range patterns {
		if !strings.Contains(p, "{") {
			add(p)
			continue
		}
		for d := from; !to.Before(d); d = d.AddDays(1) {
			s, err := resolveTemplate(p, d)
			if err != nil {
				return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
			}
			add(s)
		}
	}
	return out, nil
}

// resolveTemplate replaces every {token} of p for day d.
func resolveTemplate(p string, d validate.Date) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String(), nil
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed %q: date tokens are {date}, {yyyymmdd}, {yyyy}, {mm}, {dd}, with an offset in days such as {date-1}", p[i:])
		}
		tok := p[i+1 : i+j]
		v, err := dateToken(tok, d)
		if err != nil {
			return "", err
		}
		b.WriteString(p[:i])
		b.WriteString(v)
		p = p[i+j+1:]
	}
}

// dateToken is the value of one token (without braces) for day d.
func dateToken(tok string, d validate.Date) (string, error) {
	name, off := tok, 0
	if k := strings.IndexAny(tok, "+-"); k > 0 {
		n, err := strconv.Atoi(tok[k+1:])
		if err != nil || n < 0 || tok[k+1:] == "" || tok[k+1] == '+' || tok[k+1] == '-' {
			return "", fmt.Errorf("unknown date token {%s}: an offset is a number of days, e.g. {date-1}", tok)
		}
		name, off = tok[:k], n
		if tok[k] == '-' {
			off = -n
		}
	}
	d = d.AddDays(off)
	s := d.String() // YYYY-MM-DD
	switch name {
	case "date":
		return s, nil
	case "yyyymmdd":
		return s[0:4] + s[5:7] + s[8:10], nil
	case "yyyy":
		return s[0:4], nil
	case "mm":
		return s[5:7], nil
	case "dd":
		return s[8:10], nil
	}
	return "", fmt.Errorf("unknown date token {%s}: use {date}, {yyyymmdd}, {yyyy}, {mm} or {dd}, with an offset in days such as {date-1}", tok)
}
