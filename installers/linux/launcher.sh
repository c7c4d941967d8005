#!/bin/sh
# /usr/bin/hall, hall-kiosk, hall-counter, hall-display → this script → /opt/govhall/<the same name>.
# Every program on this PC uses the one machine configuration and data directory (the kiosk units set the same).
: "${HALL_CONFIG:=/etc/govhall/machine.toml}"
: "${HALL_DATA_DIR:=/var/lib/govhall}"
export HALL_CONFIG HALL_DATA_DIR
umask 0007  # files in /var/lib/govhall (setgid, group govhall) stay writable for the whole group

prog="/opt/govhall/$(basename "$0")"
if [ "$(id -u)" != 0 ]; then
    exec "$prog" "$@"
fi

# Run as root (sudo hall setup, sudo hall config set …): afterwards give the files back to the govhall group,
# so the kiosk service (user govhall) and the clerks (members of govhall) can still read the configuration.
status=0
"$prog" "$@" || status=$?
if getent group govhall >/dev/null 2>&1; then
    if [ -f "$HALL_CONFIG" ] && [ "$HALL_CONFIG" = /etc/govhall/machine.toml ]; then
        chgrp govhall "$HALL_CONFIG" && chmod 0640 "$HALL_CONFIG" || true
    fi
    if [ -d "$HALL_DATA_DIR" ] && [ "$HALL_DATA_DIR" = /var/lib/govhall ]; then
        chgrp -R govhall "$HALL_DATA_DIR" && chmod -R g+rwX "$HALL_DATA_DIR" || true
    fi
fi
exit "$status"
