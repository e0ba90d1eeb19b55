package main

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"

	"cf/cand"
	"cf/out"
)

var _ = cand.CfCases

// Made here: base64.StdEncoding is a variable the candidate could reassign.
var b64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

type sink struct {
	fd       int
	dev, ino uint64
}

func fail(why string) {
	syscall.Write(2, []byte("cf harness: "+why+"\n"))
	syscall.Exit(3)
}

func (s sink) write(text string) {
	var st syscall.Stat_t
	if syscall.Fstat(s.fd, &st) != nil || uint64(st.Dev) != s.dev || uint64(st.Ino) != s.ino {
		fail("the output descriptor was replaced")
	}
	b := []byte(text)
	for len(b) > 0 {
		n, err := syscall.Write(s.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil || n <= 0 {
			fail("the output descriptor refused a record")
		}
		b = b[n:]
	}
}

func str(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

func enc(v reflect.Value) string {
	if !v.IsValid() {
		return "null"
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return "true"
		}
		return "false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return `{"int":"` + strconv.FormatInt(v.Int(), 10) + `"}`
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return `{"int":"` + strconv.FormatUint(v.Uint(), 10) + `"}`
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) {
			return `{"float":"nan"}`
		}
		if math.IsInf(f, 1) {
			return `{"float":"inf"}`
		}
		if math.IsInf(f, -1) {
			return `{"float":"-inf"}`
		}
		return `{"float":"` + strconv.FormatFloat(f, 'g', -1, 64) + `"}`
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			return `{"bytes":"` + b64.EncodeToString([]byte(s)) + `"}`
		}
		return str(s)
	case reflect.Slice, reflect.Array:
		out := "["
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				out += ","
			}
			out += enc(v.Index(i))
		}
		return out + "]"
	case reflect.Map:
		out := `{"dict":[`
		iter := v.MapRange()
		first := true
		for iter.Next() {
			if !first {
				out += ","
			}
			first = false
			out += "[" + enc(iter.Key()) + "," + enc(iter.Value()) + "]"
		}
		return out + "]}"
	case reflect.Ptr, reflect.Interface:
		if v.IsNil() {
			return "null"
		}
		return enc(v.Elem())
	}
	return `{"unsupported":` + str(v.Type().String()) + `}`
}

// A panic's text, calling Error() only on the standard library's own error types (the
// candidate's could say anything; the record is a failure either way).
func panicText(r interface{}) string {
	if s, ok := r.(string); ok {
		return s
	}
	if r == nil {
		return "panic(nil)"
	}
	t := reflect.TypeOf(r)
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.PkgPath() {
	case "runtime", "errors", "fmt", "strconv":
		if e, ok := r.(error); ok {
			return e.Error()
		}
	}
	return "panic: " + reflect.TypeOf(r).String()
}

func record(id int, call func() interface{}) (line string) {
	returned := false
	defer func() {
		if !returned {
			why := str(panicText(recover()))
			line = `{"id":` + strconv.Itoa(id) + `,"ok":false,"error":` + why + `}`
		}
	}()
	value := call()
	returned = true
	return `{"id":` + strconv.Itoa(id) + `,"ok":true,"value":` + enc(reflect.ValueOf(value)) + `}`
}

func main() {
	nonce, fd, dev, ino := out.Take()
	if fd < 0 {
		fail("no output descriptor")
	}
	if nonce == "" {
		fail("no run nonce on stdin")
	}
	s := sink{fd, dev, ino}
	prefix := "\n__CF_MARKER__ " + nonce + " "
	n := 0
__CF_CALLS__
	s.write(prefix + "DONE " + strconv.Itoa(n) + "\n")
}
