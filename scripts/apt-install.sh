# Sourced by the install scripts: apt_install HINT PACKAGE... installs the Debian packages given (the caller
# passes only the missing ones), with sudo when not root; without apt-get it prints HINT and exits 1.
apt_install() {
  local hint=$1
  shift
  [ $# -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null; then
    echo "install $* ($hint) with your package manager, then run the tests again" >&2
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
