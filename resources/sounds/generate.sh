#!/usr/bin/env bash
# Regenerate the announcement clips of the hall display (叫号屏) with espeak-ng and the chime with sox.
#
#   bash resources/sounds/generate.sh          # needs: apt-get install espeak-ng sox
#
# Every clip: WAV, 16 kHz, mono, 16-bit PCM, silence trimmed at both ends, normalised to -3 dBFS.
# The file names are fixed (see README.md); a hall may replace any of them with its own recordings.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZH_VOICE="${ZH_VOICE:-cmn}"
EN_VOICE="${EN_VOICE:-en-us}"
SPEED="${SPEED:-175}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

command -v espeak-ng >/dev/null || { echo "需要 espeak-ng：apt-get install espeak-ng" >&2; exit 1; }
command -v sox >/dev/null || { echo "需要 sox：apt-get install sox" >&2; exit 1; }

# speak NAME VOICE TEXT
speak() {
    espeak-ng -v "$2" -s "$SPEED" -w "$TMP/raw.wav" "$3"
    sox "$TMP/raw.wav" -r 16000 -c 1 -b 16 "$HERE/$1.wav" \
        silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -3
}

ZH_DIGITS=(零 一 二 三 四 五 六 七 八 九)
for i in "${!ZH_DIGITS[@]}"; do speak "zh_$i" "$ZH_VOICE" "${ZH_DIGITS[$i]}"; done
speak zh_10 "$ZH_VOICE" "十"
speak zh_100 "$ZH_VOICE" "百"
speak zh_1000 "$ZH_VOICE" "千"
speak zh_qing "$ZH_VOICE" "请"
speak zh_hao "$ZH_VOICE" "号"
speak zh_dao "$ZH_VOICE" "到"
speak zh_haochuangkou "$ZH_VOICE" "号窗口"
speak zh_banli "$ZH_VOICE" "办理"
for letter in {A..Z}; do speak "letter_$letter" "$ZH_VOICE" "$letter"; done

EN_DIGITS=(zero one two three four five six seven eight nine)
for i in "${!EN_DIGITS[@]}"; do speak "en_$i" "$EN_VOICE" "${EN_DIGITS[$i]}"; done
speak en_number "$EN_VOICE" "Number"
speak en_please_go_to_window "$EN_VOICE" "please go to window"

# Chime (叮咚): two bell-like notes, E6 then C6, each with its octave, decaying.
sox -n -r 16000 -c 1 -b 16 "$TMP/ding.wav" synth 0.55 sine 1318.5 sine 2637 remix 1,2 fade q 0.005 0.55 0.5 vol 0.9
sox -n -r 16000 -c 1 -b 16 "$TMP/dong.wav" synth 0.85 sine 1046.5 sine 2093 remix 1,2 fade q 0.005 0.85 0.8 vol 0.9
sox "$TMP/ding.wav" "$TMP/dong.wav" -r 16000 -c 1 -b 16 "$HERE/chime.wav" norm -4

echo "clips written to $HERE"
du -ch "$HERE"/*.wav | tail -1
