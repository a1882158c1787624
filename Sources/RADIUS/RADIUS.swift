internal import CRadcli
public enum RADIUS {}
