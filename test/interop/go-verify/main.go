// Command go-verify checks zeq-np receipts independently of the TypeScript code, with the
// Go checksum database's own reference packages:
//
//   - the checkpoint with golang.org/x/mod/sumdb/note (note.Open, note.NewVerifier);
//   - the inclusion proof with golang.org/x/mod/sumdb/tlog (tlog.CheckRecord, whose
//     hashing is RFC 6962: RecordHash = SHA-256(0x00 || data));
//   - the DSSE envelope signature with crypto/ed25519 over PAE(payloadType, payload).
//
// Usage: go-verify VKEY_FILE RECEIPT.json...
//
// VKEY_FILE holds trusted verifier keys (name+hexkeyid+base64(0x01 || key)), one per line.
// Prints "OK <file>" or "FAIL <file>: <reason>" per receipt; exits 1 if any failed.
// Builds offline: GOPATH=/usr/share/gocode GO111MODULE=off go build.
package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// receipt mirrors the receipt JSON; encoding/json is more lenient than zeq-np's strict
// parser (case-insensitive names, last duplicate wins), which is fine for a cross-check.
type receipt struct {
	Envelope struct {
		Payload     string `json:"payload"`
		PayloadType string `json:"payloadType"`
		Signatures  []struct {
			KeyID string `json:"keyid"`
			Sig   string `json:"sig"`
		} `json:"signatures"`
	} `json:"envelope"`
	Log struct {
		Origin         string   `json:"origin"`
		Index          int64    `json:"index"`
		TreeSize       int64    `json:"tree_size"`
		Checkpoint     string   `json:"checkpoint"`
		InclusionProof []string `json:"inclusion_proof"`
	} `json:"log"`
}

// trusted is what the vkey file gives: note verifiers, and the raw Ed25519 keys for DSSE
// (the note package does not expose them, so the vkey is decoded here as well).
type trusted struct {
	notes note.Verifiers
	keys  []ed25519.PublicKey
}

func loadKeys(path string) (*trusted, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []note.Verifier
	t := &trusted{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := note.NewVerifier(line)
		if err != nil {
			return nil, fmt.Errorf("vkey %q: %v", line, err)
		}
		list = append(list, v)
		parts := strings.SplitN(line, "+", 3)
		raw, err := base64.StdEncoding.DecodeString(parts[2])
		if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != 1 {
			return nil, fmt.Errorf("vkey %q: not an Ed25519 key", line)
		}
		t.keys = append(t.keys, ed25519.PublicKey(raw[1:]))
	}
	t.notes = note.VerifierList(list...)
	return t, nil
}

// pae is DSSE v1's pre-authentication encoding.
func pae(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "DSSEv1 %d %s %d ", len(payloadType), payloadType, len(payload))
	b.Write(payload)
	return b.Bytes()
}

// decodeB64 accepts standard or URL-safe padded base64, as DSSE allows.
func decodeB64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}

// parseCheckpoint reads the C2SP tlog-checkpoint text: origin, size, base64 root hash.
func parseCheckpoint(text string) (origin string, size int64, root tlog.Hash, err error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return "", 0, root, errors.New("checkpoint has fewer than 3 lines")
	}
	size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return "", 0, root, errors.New("checkpoint size is not canonical decimal")
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return "", 0, root, errors.New("checkpoint root is not a base64 32-byte hash")
	}
	copy(root[:], h)
	return lines[0], size, root, nil
}

func verify(path string, t *trusted) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("receipt JSON: %v", err)
	}

	// 1. The checkpoint: a note signed by a trusted key, for this log and tree size.
	n, err := note.Open([]byte(r.Log.Checkpoint), t.notes)
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	origin, size, root, err := parseCheckpoint(n.Text)
	if err != nil {
		return err
	}
	if origin != r.Log.Origin || size != r.Log.TreeSize {
		return fmt.Errorf("checkpoint is for %q size %d, receipt says %q size %d", origin, size, r.Log.Origin, r.Log.TreeSize)
	}

	// 2. The envelope: some signature verifies with some trusted key over PAE.
	payload, err := decodeB64(r.Envelope.Payload)
	if err != nil {
		return fmt.Errorf("payload base64: %v", err)
	}
	msg := pae(r.Envelope.PayloadType, payload)
	signed := false
	for _, s := range r.Envelope.Signatures {
		sig, err := decodeB64(s.Sig)
		if err != nil {
			continue
		}
		for _, k := range t.keys {
			if ed25519.Verify(k, msg, sig) {
				signed = true
			}
		}
	}
	if !signed {
		return errors.New("no envelope signature verifies with a trusted key")
	}

	// 3. Inclusion: the payload bytes are leaf `index` of the checkpoint's tree.
	proof := make(tlog.RecordProof, len(r.Log.InclusionProof))
	for i, s := range r.Log.InclusionProof {
		h, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(h) != tlog.HashSize {
			return fmt.Errorf("inclusion_proof[%d] is not a base64 32-byte hash", i)
		}
		copy(proof[i][:], h)
	}
	if err := tlog.CheckRecord(proof, size, root, r.Log.Index, tlog.RecordHash(payload)); err != nil {
		return fmt.Errorf("inclusion: %v", err)
	}
	return nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go-verify VKEY_FILE RECEIPT.json...")
		os.Exit(2)
	}
	keys, err := loadKeys(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[2:] {
		if err := verify(path, keys); err != nil {
			fmt.Printf("FAIL %s: %v\n", path, err)
			failed = true
		} else {
			fmt.Printf("OK %s\n", path)
		}
	}
	if failed {
		os.Exit(1)
	}
}
