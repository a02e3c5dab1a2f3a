// SPDX-License-Identifier: LGPL-2.1-or-later
module libwireguard.invalid/go

go 1.19
