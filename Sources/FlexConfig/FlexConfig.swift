/// FlexConfig: the FlexVPN (IOS) configuration language — lexer, parser, typed model
/// with IOS defaults, diagnostics with file:line:column.
public enum FlexConfig {}
