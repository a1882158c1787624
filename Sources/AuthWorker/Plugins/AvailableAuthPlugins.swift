import AuthPluginAPI
import LocalAuthorizationPlugin
import LocalKeyringPlugin
import RADIUSPlugin

/// The first-party plugins this worker is built with (STYLE.md §11). The worker picks
/// among them by the back end each configured method names; a method none of them serves
/// stops the worker at start (`PluginResolution`).
public enum AvailableAuthPlugins {
    public static let all: [any AuthPlugin.Type] = [
        LocalKeyringPlugin.self,
        RADIUSPlugin.self,
        LocalAuthorizationPlugin.self,
    ]
}
