#!/bin/sh
# make run: placeholder until tinbaod and tinbao-modem land.
echo "make run: the gateway is not built yet"
