#!/bin/sh
# korean-ops.sh: with LANG=ko_KR.UTF-8 the migrate form, the tasks pane,
# the host and storage questions and the new detail lines are Korean.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

locale -a 2>/dev/null | grep -qiE '^ko_KR\.utf-?8$' ||
    skip_all "the ko_KR.UTF-8 locale is not installed (locale-gen ko_KR.UTF-8)"
command -v msgfmt >/dev/null 2>&1 || skip_all "msgfmt (gettext) is missing"

start 80 24 ko_KR.UTF-8 || skip_all "cannot start tmux"
check "the console starts in Korean" wait_for "호스트 6/6 가동" 15

keys j j Tab m
check "the migrate form is Korean, naming the VM" \
    wait_for "가상 머신 'dns-01' 마이그레이션"
check "its destinations are Korean, with free memory" \
    wait_for "클러스터 'busan-prod'의 대상: busan-kvm02 여유"
check "its labels are Korean" wait_for "최대 중단 시간(ms)"
check "yes/no choices are Korean" wait_for "아니요"
keys Enter
check "the tasks pane is Korean" wait_for "작업 (1개 중 0개 실행 중)"
check "its columns are Korean" wait_for "출발 -> 도착"
check "the task's kind and state are Korean" wait_for "마이그레이션    실패"
keys t
check "t brings the events back" wait_for "이벤트 ("

keys BTab
keys M
check "the maintenance question is Korean" \
    wait_for "호스트 'busan-kvm01'을(를) 유지 보수 상태로 둘까요?"
keys Escape
keys I
check "the SPM priority form is Korean" \
    wait_for "호스트 'busan-kvm01'의 SPM 우선순위"
keys Escape
keys j j M
check "the storage maintenance question is Korean" \
    wait_for "스토리지 도메인 'busan-data'을(를) 데이터 센터 'Busan'에서"
keys y g
# the state word is the engine's: Korean once the engine's strings are
check "Busan's detail has a Korean status line" \
    shows "상태" "(초기화되지 않음|Uninitialized)"
check "its tree row says u" wait_for "▾ u Busan"

quit_and_check
finish
