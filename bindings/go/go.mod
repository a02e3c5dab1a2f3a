module libwireguard.invalid/go

go 1.19
