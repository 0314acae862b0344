# One-step set-up and run on Windows (PowerShell, Python 3.11+ from python.org on PATH):
#   powershell -ExecutionPolicy Bypass -File installer\dev.ps1 run --demo
#   powershell -ExecutionPolicy Bypass -File installer\dev.ps1 test
param([Parameter(Position = 0)][string]$Command = "run",
      [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path ".venv\Scripts\python.exe")) { py -3 -m venv .venv }
& .venv\Scripts\python.exe -m pip install -q --upgrade pip
if ($LASTEXITCODE -ne 0) { Write-Error "pip upgrade failed"; exit 1 }
& .venv\Scripts\python.exe -m pip install -q -e ".[test,postgres]"
if ($LASTEXITCODE -ne 0) { Write-Error "Installing OrderBook Desk failed (see the messages above)"; exit 1 }
switch ($Command) {
  "run"  { & .venv\Scripts\orderbook-desk.exe @Rest }
  "test" { & .venv\Scripts\python.exe -m pytest @Rest }
  "cli"  { & .venv\Scripts\orderbook.exe @Rest }
  default { Write-Error "usage: installer\dev.ps1 run|test|cli [args]" }
}
exit $LASTEXITCODE
