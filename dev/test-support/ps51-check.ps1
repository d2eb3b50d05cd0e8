# What in a PowerShell script Windows PowerShell 5.1 (what every Windows 11 has) lacks, found in
# the script's tokens and AST as the real parser (pwsh 7.6.10) sees them:
# - syntax errors;
# - operators added in PowerShell 7: ?? ??= ?. ?[] the ternary ?: and the pipeline chains && ||;
# - the clean block (7.3);
# - parameters 5.1's cmdlets do not have (ConvertFrom-Json -AsHashtable -Depth -NoEnumerate
#   -DateKind, ConvertTo-Json -EnumsAsStrings -AsArray -EscapeHandling, ForEach-Object -Parallel
#   …), also when abbreviated or module-qualified;
# - cmdlets and automatic variables that exist only in PowerShell 6+.
# Input: a JSON file { "name": "script", … }. Output: JSON { "name": ["what was found", …], … }.
param([Parameter(Mandatory)] [string] $Path)

$ErrorActionPreference = 'Stop'
$scripts = Get-Content -Raw -Encoding utf8 -LiteralPath $Path | ConvertFrom-Json

$operators = @{ QuestionQuestion = '??'; QuestionQuestionEquals = '??='; QuestionDot = '?.'; QuestionLBracket = '?[]'; QuestionMark = 'ternary ?:'; AndAnd = '&&'; OrOr = '||' }
# Per cmdlet: the parameters only PowerShell 6+ has, and 5.1's own (to resolve abbreviations).
$parameters = @{
  'ConvertFrom-Json' = @{ Only7 = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind'); In51 = @('InputObject') }
  'ConvertTo-Json' = @{ Only7 = @('EnumsAsStrings', 'AsArray', 'EscapeHandling'); In51 = @('InputObject', 'Depth', 'Compress') }
  'ForEach-Object' = @{ Only7 = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace'); In51 = @('InputObject', 'Begin', 'Process', 'End', 'RemainingScripts', 'MemberName', 'ArgumentList') }
  'Get-Content' = @{ Only7 = @('AsByteStream'); In51 = @('ReadCount', 'TotalCount', 'Tail', 'Path', 'LiteralPath', 'Filter', 'Include', 'Exclude', 'Force', 'Credential', 'Delimiter', 'Wait', 'Raw', 'Encoding', 'Stream') }
  'Select-Object' = @{ Only7 = @('SkipIndex', 'CaseInsensitive'); In51 = @('InputObject', 'Property', 'ExcludeProperty', 'ExpandProperty', 'Unique', 'Last', 'First', 'Skip', 'SkipLast', 'Wait', 'Index') }
  'Split-Path' = @{ Only7 = @('LeafBase', 'Extension'); In51 = @('Path', 'LiteralPath', 'Parent', 'Leaf', 'Qualifier', 'NoQualifier', 'IsAbsolute', 'Resolve', 'Credential') }
}
$only7Commands = @('Join-String', 'Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-MarkdownOption', 'Set-MarkdownOption', 'Show-Markdown')
$only7Variables = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle')

$report = [ordered]@{}
foreach ($entry in $scripts.PSObject.Properties) {
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$entry.Value, [ref]$tokens, [ref]$errors)
  $found = [System.Collections.Generic.List[string]]::new()
  foreach ($e in $errors) { $found.Add("syntax error: $($e.Message)") }
  foreach ($t in $tokens) {
    $name = [string]$t.Kind
    if ($operators.ContainsKey($name)) { $found.Add("operator $($operators[$name])") }
  }
  foreach ($block in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.NamedBlockAst] }, $true)) {
    if ([string]$block.BlockKind -eq 'Clean') { $found.Add('clean block') }
  }
  foreach ($v in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true)) {
    if ($only7Variables -contains $v.VariablePath.UserPath) { $found.Add("variable `$$($v.VariablePath.UserPath)") }
  }
  foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
    $command = [string]$c.GetCommandName()
    $command = $command.Substring($command.LastIndexOf('\') + 1)
    if ($only7Commands -contains $command) { $found.Add("command $command") }
    if (-not $parameters.ContainsKey($command)) { continue }
    $known = $parameters[$command]
    foreach ($p in $c.CommandElements) {
      if ($p -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
      $given = $p.ParameterName
      $new = @($known.Only7 | Where-Object { $_.StartsWith($given, [System.StringComparison]::OrdinalIgnoreCase) })
      $old = @($known.In51 | Where-Object { $_.StartsWith($given, [System.StringComparison]::OrdinalIgnoreCase) })
      if ($new.Count -gt 0 -and $old.Count -eq 0) { $found.Add("$command -$($new[0])") }
    }
  }
  $report[$entry.Name] = @($found)
}
ConvertTo-Json -InputObject $report -Depth 3 -Compress
