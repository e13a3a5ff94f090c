# The run table (configs/runs) for the scripts; sourced, not run.
# shellcheck shell=bash

# runs SET...: the names of this version's runs in those sets, in order.
runs() {
	local sets=" $* "
	sed -e 's/#.*//' "$TOP/configs/runs" |
		while read -r v set run _; do
			[ "$v" = "$KVER" ] && [[ $sets == *" $set "* ]] && echo "$run"
		done
	return 0
}

# run_row RUN: set the variables of RUN's line (run_kernel, run_tests,
# run_mode, run_boots, run_expect, an array of files); 1 if there is none.
run_row() {
	local v set run rest
	while read -r v set run run_kernel run_tests run_mode run_boots rest; do
		[ "$v" = "$KVER" ] && [ "$run" = "$1" ] || continue
		[ "$run_mode" != - ] || run_mode=
		read -r -a run_expect <<<"$rest"
		run_expect=("${run_expect[@]/#/$TOP/configs/expect/}")
		return 0
	done < <(sed -e 's/#.*//' "$TOP/configs/runs")
	return 1
}
