# make bench's report (tools/lab/bench.sh): reads the plan's lines, each
# prefixed with the vendor of the machine that printed it,
#   VENDOR BENCHINFO KEY VALUE...
#   VENDOR BENCH NAME BACKEND ok MIN MEDIAN ITERATIONS [KEY=VALUE...]
#   VENDOR BENCH NAME BACKEND na REASON... [KEY=VALUE...]
# and writes the JSON (json), the Markdown table (md) and the ratios for the
# chart (dat). Variables: names, labels and shorts ("|"-separated: the row
# labels of the table and of the chart), vendors, and per
# vendor V: V_status (why a missing line is missing), V_machine.

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, " ", s)
	return "\"" s "\""
}

function vname(v) {
	return v == "amd" ? "AMD" : v == "intel" ? "Intel" : v
}

# The ratio of medians, with two significant digits below 0.1.
function fmt_ratio(r) {
	return r >= 0.1 ? sprintf("%.2f", r) : sprintf("%.2g", r)
}

# A footnote number for the reason, the same number for the same text;
# b is empty where the reason is the whole machine's.
function note(v, b, reason,    key) {
	# "vmm: VMM_CREATE_VCPU: ..." under "Intel vmm:" says vmm once.
	if (b != "" && index(reason, b ": ") == 1)
		reason = substr(reason, length(b) + 3)
	key = vname(v) (b == "" ? "" : " " b) ": " reason
	if (!(key in note_no)) {
		note_no[key] = ++nr_notes
		note_text[nr_notes] = key
	}
	return "n/a [" note_no[key] "]"
}

$2 == "BENCHINFO" {
	v = $1
	key = $3
	val = $0
	sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", val)
	info[v, key] = val
	seen_vendor[v] = 1
	next
}

$2 == "BENCH" {
	v = $1; n = $3; b = $4
	seen_vendor[v] = 1
	k = v SUBSEP n SUBSEP b
	st[k] = $5
	extras[k] = ""
	last = NF
	# Trailing KEY=VALUE numbers are extra fields, not part of a reason.
	while (last > 5 && $last ~ /^[a-z_]+=[0-9]+$/) {
		split($last, kv, "=")
		extras[k] = ", " jstr(kv[1]) ": " kv[2] extras[k]
		last--
	}
	if ($5 == "ok") {
		mn[k] = $6; md_[k] = $7; it[k] = $8
	} else {
		r = ""
		for (i = 6; i <= last; i++)
			r = r (i > 6 ? " " : "") $i
		reason[k] = r == "" ? "no reason given" : r
	}
	next
}

END {
	nn = split(names, name, " ")
	split(labels, label, "|")
	split(shorts, short, "|")
	nv = split(vendors, vendor, " ")
	nb = split("kvm vmm", backend, " ")

	# Whatever a machine did not report is missing, and says why.
	for (i = 1; i <= nn; i++)
		for (j = 1; j <= nv; j++)
			for (l = 1; l <= nb; l++) {
				k = vendor[j] SUBSEP name[i] SUBSEP backend[l]
				if (k in st)
					continue
				st[k] = "na"
				extras[k] = ""
				reason[k] = vendor[j] == "amd" ? amd_status : vendor[j] == "intel" ? intel_status : "no result"
				machine_wide[k] = 1
			}

	# JSON: one object per measurement.
	printf "[\n" >json
	first = 1
	for (j = 1; j <= nv; j++)
		for (i = 1; i <= nn; i++)
			for (l = 1; l <= nb; l++) {
				v = vendor[j]
				k = v SUBSEP name[i] SUBSEP backend[l]
				printf "%s  {\"vendor\": %s, \"kernel\": %s, \"machine\": %s, \"benchmark\": %s, \"description\": %s, \"backend\": %s, \"unit\": \"tsc_ticks\", ",
					first ? "" : ",\n", jstr(v), jstr(info[v, "kernel"]),
					jstr(machine_of(v)), jstr(name[i]),
					jstr(label[i]), jstr(backend[l]) >json
				if (st[k] == "ok")
					printf "\"min\": %d, \"median\": %d, \"iterations\": %d%s}",
						mn[k], md_[k], it[k], extras[k] >json
				else
					printf "\"min\": null, \"median\": null, \"iterations\": 0, \"error\": %s%s}",
						jstr(reason[k]), extras[k] >json
				first = 0
			}
	printf "\n]\n" >json

	# Markdown.
	printf "# make bench: vmm.ko against kvm.ko\n\n" >md
	printf "TSC ticks per operation, **min / median** of the iterations (the median is the\n" >md
	printf "lower middle sample); **vmm/kvm** is the ratio of the medians: below 1, vmm\n" >md
	printf "takes fewer ticks. Each machine runs both hypervisors in one boot. Compare\n" >md
	printf "ratios across vendors, never ticks: the two emulators' ticks differ.\n\n" >md
	hdr = "| benchmark | iterations |"
	sep = "|---|---|"
	for (j = 1; j <= nv; j++) {
		hdr = hdr sprintf(" %s kvm | %s vmm | %s vmm/kvm |", vname(vendor[j]), vname(vendor[j]), vname(vendor[j]))
		sep = sep "--:|--:|--:|"
	}
	print hdr >md
	print sep >md
	printf "" >dat
	same = 0; total = 0
	for (i = 1; i <= nn; i++) {
		row = "| " label[i] " | " iterations(name[i]) " |"
		datrow = short[i]
		for (j = 1; j <= nv; j++) {
			v = vendor[j]
			for (l = 1; l <= nb; l++) {
				k = v SUBSEP name[i] SUBSEP backend[l]
				if (st[k] == "ok") {
					row = row " " mn[k] " / " md_[k] " |"
					total++
					if (mn[k] == md_[k])
						same++
					else
						differ = differ (differ == "" ? "" : "; ") vname(v) " " backend[l] " " name[i] " (median " sprintf("%+.2f%%", 100 * (md_[k] - mn[k]) / (mn[k] ? mn[k] : 1)) " above min)"
				} else {
					row = row " " note(v, k in machine_wide ? "" : backend[l], reason[k]) " |"
				}
			}
			kk = v SUBSEP name[i] SUBSEP "kvm"
			kv_ = v SUBSEP name[i] SUBSEP "vmm"
			if (st[kk] == "ok" && st[kv_] == "ok" && md_[kk] > 0) {
				r = md_[kv_] / md_[kk]
				row = row " " fmt_ratio(r) " |"
				datrow = datrow "\t" r
			} else {
				row = row " - |"
				datrow = datrow "\tNaN"
			}
		}
		print row >md
		if (name[i] != "bracket")
			print datrow >dat
	}
	printf "\n" >md
	if (nr_notes) {
		for (i = 1; i <= nr_notes; i++)
			printf "[%d] %s\n\n", i, note_text[i] >md
	}
	printf "min = median in %d of %d measurements", same, total >md
	if (differ != "")
		printf "; the others: %s", differ >md
	printf ".\n\n" >md
	printf "Machines, kernel, and what a tick is:\n\n" >md
	for (j = 1; j <= nv; j++) {
		v = vendor[j]
		if (!(v in seen_vendor)) {
			printf "- %s: no results (%s)\n", vname(v), v == "amd" ? amd_status : intel_status >md
			continue
		}
		printf "- %s: %s; Linux %s, %s, %s CPU(s), TSC %s; vmm: %s.\n", vname(v), machine_of(v),
			info[v, "kernel"], info[v, "cpu"], info[v, "cpus"], info[v, "tsc"], info[v, "vmm"] >md
		if ((v, "cmdline") in info)
			printf "  Kernel command line: `%s`.\n", info[v, "cmdline"] >md
		if ((v, "mitigations") in info)
			printf "  Mitigations on the world switch (vmm's report): %s.\n", info[v, "mitigations"] >md
		if ((v, "touch2m") in info)
			printf "  2 MiB frames: %s.\n", info[v, "touch2m"] >md
		if ((v, "retried") in info)
			printf "  The machine froze and was booted again: %s.\n", info[v, "retried"] >md
		if ((v, "kernel_reports") in info)
			printf "  **The kernel log has problem reports**: %s.\n", info[v, "kernel_reports"] >md
	}
	printf "\nMethod: Documentation/bench.rst. Raw lines: build/bench/*/results.uart.\n" >md
}

function machine_of(v) {
	return v == "amd" ? amd_machine : v == "intel" ? intel_machine : v
}

# The iterations of a row: one number if all cells agree.
function iterations(n,    j, l, k, s, all, cnt, per, vs) {
	all = ""; cnt = 0
	for (j = 1; j <= nv; j++)
		for (l = 1; l <= nb; l++) {
			k = vendor[j] SUBSEP n SUBSEP backend[l]
			if (st[k] != "ok")
				continue
			if (cnt == 0)
				all = it[k]
			else if (all != it[k])
				all = "differ"
			cnt++
		}
	if (cnt == 0)
		return "-"
	if (all != "differ")
		return all
	s = ""
	for (j = 1; j <= nv; j++) {
		vs = ""
		for (l = 1; l <= nb; l++) {
			k = vendor[j] SUBSEP n SUBSEP backend[l]
			if (st[k] == "ok")
				vs = vs (vs == "" ? "" : ", ") backend[l] " " it[k]
		}
		if (vs != "")
			s = s (s == "" ? "" : "; ") vname(vendor[j]) " " vs
	}
	return s
}
