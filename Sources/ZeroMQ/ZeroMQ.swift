internal import CZMQ
public enum ZeroMQ {}
