// SPDX-License-Identifier: CC0-1.0
module libwireguard.invalid/example

go 1.19

require libwireguard.invalid/go v0.0.0

// The bindings from this source tree; a program of your own points here or
// at wherever it vendors bindings/go.
replace libwireguard.invalid/go => ../../bindings/go
