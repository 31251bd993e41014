#!/bin/sh
# korean.sh: with LANG=ko_KR.UTF-8 the console speaks Korean and columns
# holding Hangul names line up (display width, not bytes or characters).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

locale -a 2>/dev/null | grep -qiE '^ko_KR\.utf-?8$' ||
    skip_all "the ko_KR.UTF-8 locale is not installed (locale-gen ko_KR.UTF-8)"
command -v msgfmt >/dev/null 2>&1 || skip_all "msgfmt (gettext) is missing"

start 80 24 ko_KR.UTF-8 || skip_all "cannot start tmux"
check "the console starts in Korean" wait_for "호스트 6/6 가동" 15
check "the tree pane is titled in Korean" wait_for "인벤토리"
check "the function bar is Korean" wait_for "F1도움말"
check "the events pane is titled in Korean" wait_for "이벤트 ("

keys j j
check "a host's VMs are listed, in Korean" wait_for "busan-kvm01의 VM (6)"
check "column labels are Korean" wait_for "이름^"
check "a Hangul VM name is shown" wait_for "부산-웹-01"
check "states are Korean words" wait_for "실행 중"

# the state column starts at the same display column on every row,
# whether the name before it is Hangul or ASCII
screen > "$TMPD/ko.txt"
cols=$(grep -E '^ .*│ [>|.] ' "$TMPD/ko.txt" | while IFS= read -r line; do
    row=${line#*│ }
    # the display width of everything before the state word
    for st in "실행 중" "꺼짐" "일시 정지됨"; do
        case $row in
        *"$st"*)
            before=${row%%"$st"*}
            printf '%s' "$before" | LC_ALL=ko_KR.UTF-8 wc -L
            break
            ;;
        esac
    done
done | sort -u)
n=$(printf '%s\n' "$cols" | grep -c .)
rows=$(grep -cE '^ .*│ [>|.] ' "$TMPD/ko.txt")
check "six VM rows are on screen" [ "$rows" -eq 6 ]
check "the state column lines up on Hangul and ASCII rows ($cols)" [ "$n" -eq 1 ]

# the same in the tree: names after the symbol start at one column
keys Enter
check "the host opens in the tree" wait_for "        | 창고-관리"
check "a Hangul name in the tree is indented like the others" \
    wait_for "        > 부산-웹-01"

keys '?'
check "the help is Korean" wait_for "키와 동작"
keys Escape
keys Tab S
check "the question is Korean and names the VM" wait_for "'dns-01'을(를) 종료할까요?"
check "with Korean answers" wait_for "[y] 예"
keys Escape
keys BTab
keys A
check "the form is Korean" wait_for "데이터 센터 추가"
keys Enter
check "the form's message is Korean when the engine's is" \
    wait_for "데이터 센터" 2
keys Escape

# the VM forms, the delete question and the console speak Korean too
keys c
check "the create form is Korean" wait_for "가상 머신 만들기"
check "its labels are Korean" wait_for "부팅 순서"
check "the automatic host is explained in Korean" wait_for "자동: "
keys Enter
check "its messages are Korean when the engine's are" \
    wait_for "VM 이름이 비어 있습니다: 이름을 입력하십시오."
keys Escape
keys Tab D
check "the delete question is Korean, with three answers" \
    wait_for "[k] 삭제, 디스크 유지"
keys Escape
keys E
check "the edit form is Korean" wait_for "가상 머신 'dns-01' 변경"
keys Escape
quit_key_ok() {
    keys q
    wait_for "virtdeck-exited-0" 10
}
check "q quits" quit_key_ok
finish
