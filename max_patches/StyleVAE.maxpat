{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 6,
			"revision": 5,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			100.0,
			100.0,
			2900.0,
			900.0
		],
		"openrect": [
			0.0,
			0.0,
			800.0,
			169.0
		],
		"openinpresentation": 1,
		"default_fontsize": 10.0,
		"default_fontname": "Arial Bold",
		"gridsize": [
			8.0,
			8.0
		],
		"devicewidth": 800.0,
		"description": "StyleVAE Bridge: plays the style-morphing melody daemon from Live.",
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						20.0,
						166.0,
						22.0
					],
					"text": "udpsend 127.0.0.1 9400"
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						50.0,
						68.0,
						22.0
					],
					"text": "r ---osc"
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						80.0,
						117.0,
						22.0
					],
					"text": "udpreceive 9401"
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						110.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						82,
						36,
						18
					],
					"text": "Host"
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "textedit",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"",
						"int",
						"",
						""
					],
					"patching_rect": [
						20.0,
						140.0,
						75.0,
						22.0
					],
					"keymode": 1,
					"lines": 1,
					"presentation": 1,
					"presentation_rect": [
						44,
						82,
						100,
						18
					],
					"text": "127.0.0.1",
					"varname": "host",
					"wordwrap": 0
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						20.0,
						170.0,
						82.0,
						22.0
					],
					"text": "route text"
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						200.0,
						96.0,
						22.0
					],
					"text": "prepend host"
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						230.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						260.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						104,
						36,
						18
					],
					"text": "Port"
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						20.0,
						290.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						44,
						104,
						60,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								9400.0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Daemon Port",
							"parameter_mmax": 65535,
							"parameter_mmin": 1024,
							"parameter_shortname": "Port",
							"parameter_type": 0,
							"parameter_unitstyle": 0,
							"parameter_invisible": 1
						}
					},
					"varname": "daemon_port"
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						20.0,
						320.0,
						40.0,
						22.0
					],
					"text": "t i"
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						350.0,
						96.0,
						22.0
					],
					"text": "prepend port"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						380.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-14",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						410.0,
						47.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						124,
						36,
						18
					],
					"text": "Reply"
				}
			},
			{
				"box": {
					"id": "obj-15",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						20.0,
						440.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						44,
						124,
						60,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								9401.0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Reply Port",
							"parameter_mmax": 65535,
							"parameter_mmin": 1024,
							"parameter_shortname": "Reply",
							"parameter_type": 0,
							"parameter_unitstyle": 0,
							"parameter_invisible": 1
						}
					},
					"varname": "reply_port"
				}
			},
			{
				"box": {
					"id": "obj-16",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"int"
					],
					"patching_rect": [
						20.0,
						470.0,
						61.0,
						22.0
					],
					"text": "t b i i"
				}
			},
			{
				"box": {
					"id": "obj-17",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						20.0,
						500.0,
						54.0,
						22.0
					],
					"text": "i 9401"
				}
			},
			{
				"box": {
					"id": "obj-18",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						530.0,
						96.0,
						22.0
					],
					"text": "prepend port"
				}
			},
			{
				"box": {
					"id": "obj-19",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						560.0,
						82.0,
						22.0
					],
					"text": "s ---hello"
				}
			},
			{
				"box": {
					"id": "obj-20",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						20.0,
						68.0,
						22.0
					],
					"fontface": 1,
					"fontsize": 13.0,
					"presentation": 1,
					"presentation_rect": [
						6,
						4,
						90,
						18
					],
					"text": "StyleVAE"
				}
			},
			{
				"box": {
					"id": "obj-21",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						50.0,
						138.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						24,
						140,
						18
					],
					"text": "daemon not running",
					"varname": "status"
				}
			},
			{
				"box": {
					"id": "obj-22",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						80.0,
						180.0,
						22.0
					],
					"fontsize": 9.0,
					"presentation": 1,
					"presentation_rect": [
						6,
						42,
						140,
						18
					],
					"text": "start it: stylevae serve",
					"varname": "hint"
				}
			},
			{
				"box": {
					"id": "obj-23",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						110.0,
						61.0,
						22.0
					],
					"fontsize": 9.0,
					"presentation": 1,
					"presentation_rect": [
						6,
						146,
						140,
						20
					],
					"text": "",
					"varname": "error"
				}
			},
			{
				"box": {
					"id": "obj-24",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						280.0,
						140.0,
						82.0,
						22.0
					],
					"text": "metro 1000"
				}
			},
			{
				"box": {
					"id": "obj-25",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						280.0,
						170.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-26",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						200.0,
						110.0,
						22.0
					],
					"text": "/stylevae/ping"
				}
			},
			{
				"box": {
					"id": "obj-27",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						230.0,
						68.0,
						22.0
					],
					"text": "gate 1 1"
				}
			},
			{
				"box": {
					"id": "obj-28",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						260.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-29",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						290.0,
						82.0,
						22.0
					],
					"text": "s ---hello"
				}
			},
			{
				"box": {
					"id": "obj-30",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						320.0,
						82.0,
						22.0
					],
					"text": "r ---hello"
				}
			},
			{
				"box": {
					"id": "obj-31",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						350.0,
						173.0,
						22.0
					],
					"text": "prepend /stylevae/hello"
				}
			},
			{
				"box": {
					"id": "obj-32",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						380.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-33",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						280.0,
						410.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-34",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						280.0,
						440.0,
						82.0,
						22.0
					],
					"text": "delay 3500"
				}
			},
			{
				"box": {
					"id": "obj-35",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						470.0,
						40.0,
						22.0
					],
					"text": "1"
				}
			},
			{
				"box": {
					"id": "obj-36",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						500.0,
						110.0,
						22.0
					],
					"text": "s ---connected"
				}
			},
			{
				"box": {
					"id": "obj-37",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						530.0,
						40.0,
						22.0
					],
					"text": "0"
				}
			},
			{
				"box": {
					"id": "obj-38",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						560.0,
						110.0,
						22.0
					],
					"text": "s ---connected"
				}
			},
			{
				"box": {
					"id": "obj-39",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"int",
						"int"
					],
					"patching_rect": [
						280.0,
						590.0,
						54.0,
						22.0
					],
					"text": "change"
				}
			},
			{
				"box": {
					"id": "obj-40",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"int",
						"int"
					],
					"patching_rect": [
						280.0,
						620.0,
						61.0,
						22.0
					],
					"text": "t i i i"
				}
			},
			{
				"box": {
					"id": "obj-41",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						280.0,
						650.0,
						40.0,
						22.0
					],
					"text": "== 0"
				}
			},
			{
				"box": {
					"id": "obj-42",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						680.0,
						110.0,
						22.0
					],
					"text": "r ---connected"
				}
			},
			{
				"box": {
					"id": "obj-43",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						280.0,
						710.0,
						47.0,
						22.0
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-44",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						280.0,
						740.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-45",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						770.0,
						124.0,
						22.0
					],
					"text": "/stylevae/styles"
				}
			},
			{
				"box": {
					"id": "obj-46",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						800.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-47",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						280.0,
						830.0,
						89.0,
						22.0
					],
					"text": "s ---resend"
				}
			},
			{
				"box": {
					"id": "obj-48",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						280.0,
						860.0,
						47.0,
						22.0
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-49",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						280.0,
						890.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-50",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						280.0,
						920.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-51",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						950.0,
						306.0,
						22.0
					],
					"text": "set connected, textcolor 0.45 0.85 0.45 1."
				}
			},
			{
				"box": {
					"id": "obj-52",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						980.0,
						229.0,
						22.0
					],
					"text": "set settings sent to the daemon"
				}
			},
			{
				"box": {
					"id": "obj-53",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						1010.0,
						369.0,
						22.0
					],
					"text": "set daemon not running, textcolor 0.95 0.45 0.35 1."
				}
			},
			{
				"box": {
					"id": "obj-54",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280.0,
						1040.0,
						208.0,
						22.0
					],
					"text": "set start it: stylevae serve"
				}
			},
			{
				"box": {
					"id": "obj-55",
					"maxclass": "newobj",
					"numinlets": 9,
					"numoutlets": 9,
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"patching_rect": [
						540.0,
						20.0,
						978.0,
						22.0
					],
					"text": "route /stylevae/pong /stylevae/styles /stylevae/error /stylevae/1/note /stylevae/1/state /stylevae/1/on /stylevae/1/cut /stylevae/1/retime"
				}
			},
			{
				"box": {
					"id": "obj-56",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 5,
					"outlettype": [
						"int",
						"int",
						"int",
						"int",
						"int"
					],
					"patching_rect": [
						540.0,
						50.0,
						89.0,
						22.0
					],
					"text": "t i i i i i"
				}
			},
			{
				"box": {
					"id": "obj-57",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						80.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-58",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						110.0,
						243.0,
						22.0
					],
					"text": "sprintf symout /stylevae/%ld/note"
				}
			},
			{
				"box": {
					"id": "obj-59",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						140.0,
						250.0,
						22.0
					],
					"text": "sprintf symout /stylevae/%ld/state"
				}
			},
			{
				"box": {
					"id": "obj-60",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						170.0,
						229.0,
						22.0
					],
					"text": "sprintf symout /stylevae/%ld/on"
				}
			},
			{
				"box": {
					"id": "obj-61",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						200.0,
						236.0,
						22.0
					],
					"text": "sprintf symout /stylevae/%ld/cut"
				}
			},
			{
				"box": {
					"id": "obj-62",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						230.0,
						257.0,
						22.0
					],
					"text": "sprintf symout /stylevae/%ld/retime"
				}
			},
			{
				"box": {
					"id": "obj-63",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						260.0,
						138.0,
						22.0
					],
					"text": "prepend set error:"
				}
			},
			{
				"box": {
					"id": "obj-64",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"",
						""
					],
					"patching_rect": [
						540.0,
						290.0,
						61.0,
						22.0
					],
					"text": "t b l l"
				}
			},
			{
				"box": {
					"id": "obj-65",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						540.0,
						320.0,
						47.0,
						22.0
					],
					"text": "t l l"
				}
			},
			{
				"box": {
					"id": "obj-66",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						540.0,
						350.0,
						40.0,
						22.0
					],
					"text": "t l"
				}
			},
			{
				"box": {
					"id": "obj-67",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						540.0,
						380.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-68",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						540.0,
						410.0,
						40.0,
						22.0
					],
					"text": "t b"
				}
			},
			{
				"box": {
					"id": "obj-69",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						20.0,
						47.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						156,
						6,
						40,
						18
					],
					"text": "Voice"
				}
			},
			{
				"box": {
					"id": "obj-70",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						800.0,
						50.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						198,
						6,
						48,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Voice",
							"parameter_mmax": 16,
							"parameter_mmin": 1,
							"parameter_shortname": "Voice",
							"parameter_type": 1,
							"parameter_unitstyle": 0
						}
					},
					"varname": "voice"
				}
			},
			{
				"box": {
					"id": "obj-71",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"bang"
					],
					"patching_rect": [
						800.0,
						80.0,
						61.0,
						22.0
					],
					"text": "t b i b"
				}
			},
			{
				"box": {
					"id": "obj-72",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						110.0,
						138.0,
						22.0
					],
					"text": "/stylevae/1/play 0"
				}
			},
			{
				"box": {
					"id": "obj-73",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						140.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-74",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						170.0,
						236.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/play 0"
				}
			},
			{
				"box": {
					"id": "obj-75",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						200.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-76",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						230.0,
						82.0,
						22.0
					],
					"text": "s ---voice"
				}
			},
			{
				"box": {
					"id": "obj-77",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						260.0,
						89.0,
						22.0
					],
					"text": "s ---resend"
				}
			},
			{
				"box": {
					"id": "obj-78",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						290.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						156,
						26,
						40,
						18
					],
					"text": "Chan"
				}
			},
			{
				"box": {
					"id": "obj-79",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						800.0,
						320.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						198,
						26,
						48,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Channel",
							"parameter_mmax": 16,
							"parameter_mmin": 1,
							"parameter_shortname": "Chan",
							"parameter_type": 1,
							"parameter_unitstyle": 0
						}
					},
					"varname": "channel"
				}
			},
			{
				"box": {
					"id": "obj-80",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						800.0,
						350.0,
						47.0,
						22.0
					],
					"text": "t i i"
				}
			},
			{
				"box": {
					"id": "obj-81",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						380.0,
						96.0,
						22.0
					],
					"text": "s ---channel"
				}
			},
			{
				"box": {
					"id": "obj-82",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						800.0,
						410.0,
						40.0,
						22.0
					],
					"text": "i 1"
				}
			},
			{
				"box": {
					"id": "obj-83",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						440.0,
						201.0,
						22.0
					],
					"text": "prepend /stylevae/1/channel"
				}
			},
			{
				"box": {
					"id": "obj-84",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						470.0,
						243.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/channel"
				}
			},
			{
				"box": {
					"id": "obj-85",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						500.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-86",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						530.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-87",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						560.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-88",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						590.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						156,
						46,
						40,
						18
					],
					"text": "Oct"
				}
			},
			{
				"box": {
					"id": "obj-89",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						800.0,
						620.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						198,
						46,
						48,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Octave",
							"parameter_mmax": 4,
							"parameter_mmin": -4,
							"parameter_shortname": "Oct",
							"parameter_type": 1,
							"parameter_unitstyle": 0
						}
					},
					"varname": "octave"
				}
			},
			{
				"box": {
					"id": "obj-90",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						800.0,
						650.0,
						40.0,
						22.0
					],
					"text": "i 0"
				}
			},
			{
				"box": {
					"id": "obj-91",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						680.0,
						194.0,
						22.0
					],
					"text": "prepend /stylevae/1/octave"
				}
			},
			{
				"box": {
					"id": "obj-92",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						710.0,
						236.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/octave"
				}
			},
			{
				"box": {
					"id": "obj-93",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						740.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-94",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						770.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-95",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						800.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-96",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						830.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						156,
						66,
						40,
						18
					],
					"text": "Vel"
				}
			},
			{
				"box": {
					"id": "obj-97",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						800.0,
						860.0,
						89.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						198,
						66,
						48,
						15
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								100
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Velocity",
							"parameter_mmax": 127,
							"parameter_mmin": 1,
							"parameter_shortname": "Vel",
							"parameter_type": 1,
							"parameter_unitstyle": 0
						}
					},
					"varname": "velocity"
				}
			},
			{
				"box": {
					"id": "obj-98",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						800.0,
						890.0,
						47.0,
						22.0
					],
					"text": "i 100"
				}
			},
			{
				"box": {
					"id": "obj-99",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						920.0,
						208.0,
						22.0
					],
					"text": "prepend /stylevae/1/velocity"
				}
			},
			{
				"box": {
					"id": "obj-100",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						950.0,
						250.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/velocity"
				}
			},
			{
				"box": {
					"id": "obj-101",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						980.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-102",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						1010.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-103",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1040.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-104",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						800.0,
						1070.0,
						40.0,
						22.0
					],
					"mode": 1,
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						156,
						90,
						90,
						18
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Play",
							"parameter_mmax": 1,
							"parameter_mmin": 0,
							"parameter_shortname": "Play",
							"parameter_type": 2,
							"parameter_enum": [
								"off",
								"on"
							]
						}
					},
					"text": "Play",
					"texton": "Playing",
					"varname": "play"
				}
			},
			{
				"box": {
					"id": "obj-105",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1100.0,
						61.0,
						22.0
					],
					"text": "pak 0 0"
				}
			},
			{
				"box": {
					"id": "obj-106",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1130.0,
						96.0,
						22.0
					],
					"text": "r ---playing"
				}
			},
			{
				"box": {
					"id": "obj-107",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1160.0,
						117.0,
						22.0
					],
					"text": "expr $i1 && $i2"
				}
			},
			{
				"box": {
					"id": "obj-108",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"int",
						"int"
					],
					"patching_rect": [
						800.0,
						1190.0,
						54.0,
						22.0
					],
					"text": "change"
				}
			},
			{
				"box": {
					"id": "obj-109",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						800.0,
						1220.0,
						40.0,
						22.0
					],
					"text": "i 0"
				}
			},
			{
				"box": {
					"id": "obj-110",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1250.0,
						180.0,
						22.0
					],
					"text": "prepend /stylevae/1/play"
				}
			},
			{
				"box": {
					"id": "obj-111",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1280.0,
						222.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/play"
				}
			},
			{
				"box": {
					"id": "obj-112",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1310.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-113",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						1340.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-114",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1370.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-115",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						800.0,
						1400.0,
						40.0,
						22.0
					],
					"mode": 1,
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						156,
						112,
						90,
						18
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Hold",
							"parameter_mmax": 1,
							"parameter_mmin": 0,
							"parameter_shortname": "Hold",
							"parameter_type": 2,
							"parameter_enum": [
								"off",
								"on"
							]
						}
					},
					"text": "Hold",
					"texton": "Holding",
					"varname": "hold"
				}
			},
			{
				"box": {
					"id": "obj-116",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						800.0,
						1430.0,
						40.0,
						22.0
					],
					"text": "i 0"
				}
			},
			{
				"box": {
					"id": "obj-117",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1460.0,
						180.0,
						22.0
					],
					"text": "prepend /stylevae/1/hold"
				}
			},
			{
				"box": {
					"id": "obj-118",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1490.0,
						222.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/hold"
				}
			},
			{
				"box": {
					"id": "obj-119",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1520.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-120",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						1550.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-121",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1580.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-122",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						800.0,
						1610.0,
						54.0,
						22.0
					],
					"mode": 0,
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						156,
						134,
						90,
						18
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Reseed",
							"parameter_mmax": 1,
							"parameter_mmin": 0,
							"parameter_shortname": "Reseed",
							"parameter_type": 2,
							"parameter_enum": [
								"off",
								"on"
							]
						}
					},
					"text": "Reseed",
					"texton": "Reseed",
					"varname": "reseed"
				}
			},
			{
				"box": {
					"id": "obj-123",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						800.0,
						1640.0,
						47.0,
						22.0
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-124",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1670.0,
						138.0,
						22.0
					],
					"text": "/stylevae/1/reseed"
				}
			},
			{
				"box": {
					"id": "obj-125",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1700.0,
						236.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/reseed"
				}
			},
			{
				"box": {
					"id": "obj-126",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						1730.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-127",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						1760.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-128",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						20.0,
						61.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						256,
						6,
						60,
						18
					],
					"text": "Style A"
				}
			},
			{
				"box": {
					"id": "obj-129",
					"maxclass": "live.menu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						"float"
					],
					"patching_rect": [
						1060.0,
						50.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						256,
						24,
						140,
						16
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Style A",
							"parameter_mmax": 15,
							"parameter_mmin": 0,
							"parameter_shortname": "Style A",
							"parameter_type": 2,
							"parameter_enum": [
								"style 0",
								"style 1",
								"style 2",
								"style 3",
								"style 4",
								"style 5",
								"style 6",
								"style 7",
								"style 8",
								"style 9",
								"style 10",
								"style 11",
								"style 12",
								"style 13",
								"style 14",
								"style 15"
							]
						}
					},
					"varname": "style_a"
				}
			},
			{
				"box": {
					"id": "obj-130",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						80.0,
						61.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						256,
						46,
						60,
						18
					],
					"text": "Style B"
				}
			},
			{
				"box": {
					"id": "obj-131",
					"maxclass": "live.menu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						"float"
					],
					"patching_rect": [
						1060.0,
						110.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						256,
						64,
						140,
						16
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Style B",
							"parameter_mmax": 15,
							"parameter_mmin": 0,
							"parameter_shortname": "Style B",
							"parameter_type": 2,
							"parameter_enum": [
								"style 0",
								"style 1",
								"style 2",
								"style 3",
								"style 4",
								"style 5",
								"style 6",
								"style 7",
								"style 8",
								"style 9",
								"style 10",
								"style 11",
								"style 12",
								"style 13",
								"style 14",
								"style 15"
							]
						}
					},
					"varname": "style_b"
				}
			},
			{
				"box": {
					"id": "obj-132",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1060.0,
						140.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						256,
						90,
						56,
						48
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0.0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Blend",
							"parameter_mmax": 1.0,
							"parameter_mmin": 0.0,
							"parameter_shortname": "Blend",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					},
					"varname": "blend"
				}
			},
			{
				"box": {
					"id": "obj-133",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1060.0,
						170.0,
						54.0,
						22.0
					],
					"text": "zl.reg"
				}
			},
			{
				"box": {
					"id": "obj-134",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1060.0,
						200.0,
						68.0,
						22.0
					],
					"text": "gate 1 0"
				}
			},
			{
				"box": {
					"id": "obj-135",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1060.0,
						230.0,
						180.0,
						22.0
					],
					"text": "prepend _parameter_range"
				}
			},
			{
				"box": {
					"id": "obj-136",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1060.0,
						260.0,
						47.0,
						22.0
					],
					"text": "t l l"
				}
			},
			{
				"box": {
					"id": "obj-137",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						1060.0,
						290.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-138",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1060.0,
						320.0,
						40.0,
						22.0
					],
					"text": "1"
				}
			},
			{
				"box": {
					"id": "obj-139",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						350.0,
						96.0,
						22.0
					],
					"text": "s ---mixbang"
				}
			},
			{
				"box": {
					"id": "obj-140",
					"maxclass": "newobj",
					"numinlets": 4,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1060.0,
						380.0,
						425.0,
						22.0
					],
					"text": "expr ($i1 - 1 == $i2) * (1. - $f4) + ($i1 - 1 == $i3) * $f4"
				}
			},
			{
				"box": {
					"id": "obj-141",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						1060.0,
						410.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-142",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						440.0,
						96.0,
						22.0
					],
					"text": "s ---mixbang"
				}
			},
			{
				"box": {
					"id": "obj-143",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						1060.0,
						470.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-144",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						500.0,
						96.0,
						22.0
					],
					"text": "s ---mixbang"
				}
			},
			{
				"box": {
					"id": "obj-145",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"float"
					],
					"patching_rect": [
						1060.0,
						530.0,
						47.0,
						22.0
					],
					"text": "t b f"
				}
			},
			{
				"box": {
					"id": "obj-146",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1060.0,
						560.0,
						96.0,
						22.0
					],
					"text": "s ---mixbang"
				}
			},
			{
				"box": {
					"id": "obj-147",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"",
						"bang"
					],
					"patching_rect": [
						1320.0,
						20.0,
						61.0,
						22.0
					],
					"text": "t b l b"
				}
			},
			{
				"box": {
					"id": "obj-148",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						50.0,
						96.0,
						22.0
					],
					"text": "r ---mixbang"
				}
			},
			{
				"box": {
					"id": "obj-149",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						80.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-150",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						110.0,
						61.0,
						22.0
					],
					"text": "zlclear"
				}
			},
			{
				"box": {
					"id": "obj-151",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1320.0,
						140.0,
						89.0,
						22.0
					],
					"text": "zl.group 64"
				}
			},
			{
				"box": {
					"id": "obj-152",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1320.0,
						170.0,
						54.0,
						22.0
					],
					"text": "zl.len"
				}
			},
			{
				"box": {
					"id": "obj-153",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"bang",
						"int"
					],
					"patching_rect": [
						1320.0,
						200.0,
						40.0,
						22.0
					],
					"text": "uzi"
				}
			},
			{
				"box": {
					"id": "obj-154",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						230.0,
						173.0,
						22.0
					],
					"text": "prepend /stylevae/1/mix"
				}
			},
			{
				"box": {
					"id": "obj-155",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						260.0,
						215.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/mix"
				}
			},
			{
				"box": {
					"id": "obj-156",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1320.0,
						290.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-157",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1320.0,
						320.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-158",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1580.0,
						20.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						410.0,
						6.0,
						56,
						48
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1.0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Temperature",
							"parameter_mmax": 2.0,
							"parameter_mmin": 0.1,
							"parameter_shortname": "Temp",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					},
					"varname": "temperature"
				}
			},
			{
				"box": {
					"id": "obj-159",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1580.0,
						50.0,
						47.0,
						22.0
					],
					"text": "f 1.0"
				}
			},
			{
				"box": {
					"id": "obj-160",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						80.0,
						229.0,
						22.0
					],
					"text": "prepend /stylevae/1/temperature"
				}
			},
			{
				"box": {
					"id": "obj-161",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						110.0,
						271.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/temperature"
				}
			},
			{
				"box": {
					"id": "obj-162",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						140.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-163",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1580.0,
						170.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-164",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						200.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-165",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1580.0,
						230.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						470.0,
						6.0,
						56,
						48
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0.3
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Variation",
							"parameter_mmax": 1.0,
							"parameter_mmin": 0.0,
							"parameter_shortname": "Var",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					},
					"varname": "variation"
				}
			},
			{
				"box": {
					"id": "obj-166",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1580.0,
						260.0,
						47.0,
						22.0
					],
					"text": "f 0.3"
				}
			},
			{
				"box": {
					"id": "obj-167",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						290.0,
						215.0,
						22.0
					],
					"text": "prepend /stylevae/1/variation"
				}
			},
			{
				"box": {
					"id": "obj-168",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						320.0,
						257.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/variation"
				}
			},
			{
				"box": {
					"id": "obj-169",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						350.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-170",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1580.0,
						380.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-171",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						410.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-172",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1580.0,
						440.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						530.0,
						6.0,
						56,
						48
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0.0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Density",
							"parameter_mmax": 1.0,
							"parameter_mmin": -1.0,
							"parameter_shortname": "Dens",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					},
					"varname": "density"
				}
			},
			{
				"box": {
					"id": "obj-173",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1580.0,
						470.0,
						47.0,
						22.0
					],
					"text": "f 0.0"
				}
			},
			{
				"box": {
					"id": "obj-174",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						500.0,
						201.0,
						22.0
					],
					"text": "prepend /stylevae/1/density"
				}
			},
			{
				"box": {
					"id": "obj-175",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						530.0,
						243.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/density"
				}
			},
			{
				"box": {
					"id": "obj-176",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						560.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-177",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1580.0,
						590.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-178",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						620.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-179",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1580.0,
						650.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						410.0,
						60.0,
						56,
						48
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0.9
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Lock",
							"parameter_mmax": 1.0,
							"parameter_mmin": 0.0,
							"parameter_shortname": "Lock",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					},
					"varname": "lock"
				}
			},
			{
				"box": {
					"id": "obj-180",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1580.0,
						680.0,
						47.0,
						22.0
					],
					"text": "f 0.9"
				}
			},
			{
				"box": {
					"id": "obj-181",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						710.0,
						180.0,
						22.0
					],
					"text": "prepend /stylevae/1/lock"
				}
			},
			{
				"box": {
					"id": "obj-182",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						740.0,
						222.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/lock"
				}
			},
			{
				"box": {
					"id": "obj-183",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						770.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-184",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1580.0,
						800.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-185",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1580.0,
						830.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-186",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						20.0,
						40.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						470,
						60,
						120,
						16
					],
					"text": "Key"
				}
			},
			{
				"box": {
					"id": "obj-187",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2360.0,
						50.0,
						61.0,
						22.0
					],
					"mode": 1,
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						470,
						78,
						120,
						18
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Follow Key",
							"parameter_mmax": 1,
							"parameter_mmin": 0,
							"parameter_shortname": "Follow",
							"parameter_type": 2,
							"parameter_enum": [
								"off",
								"on"
							]
						}
					},
					"text": "Own key",
					"texton": "Live's key",
					"varname": "follow_key"
				}
			},
			{
				"box": {
					"id": "obj-188",
					"maxclass": "live.menu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						"float"
					],
					"patching_rect": [
						2360.0,
						80.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						470,
						100,
						40,
						16
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Key",
							"parameter_mmax": 11,
							"parameter_mmin": 0,
							"parameter_shortname": "Key",
							"parameter_type": 2,
							"parameter_enum": [
								"C",
								"C#",
								"D",
								"Eb",
								"E",
								"F",
								"F#",
								"G",
								"Ab",
								"A",
								"Bb",
								"B"
							]
						}
					},
					"varname": "key"
				}
			},
			{
				"box": {
					"id": "obj-189",
					"maxclass": "live.menu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						"float"
					],
					"patching_rect": [
						2360.0,
						110.0,
						75.0,
						22.0
					],
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						514,
						100,
						76,
						16
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Scale",
							"parameter_mmax": 22,
							"parameter_mmin": 0,
							"parameter_shortname": "Scale",
							"parameter_type": 2,
							"parameter_enum": [
								"major",
								"minor",
								"harmonic_minor",
								"melodic_minor",
								"ionian",
								"dorian",
								"phrygian",
								"lydian",
								"mixolydian",
								"aeolian",
								"locrian",
								"major_pentatonic",
								"minor_pentatonic",
								"blues",
								"major_blues",
								"minor_blues",
								"harmonic_major",
								"phrygian_dominant",
								"lydian_dominant",
								"super_locrian",
								"hungarian_minor",
								"whole_tone",
								"chromatic"
							]
						}
					},
					"varname": "scale"
				}
			},
			{
				"box": {
					"id": "obj-190",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2360.0,
						140.0,
						54.0,
						22.0
					],
					"text": "zl.reg"
				}
			},
			{
				"box": {
					"id": "obj-191",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						170.0,
						75.0,
						22.0
					],
					"text": "prepend 0"
				}
			},
			{
				"box": {
					"id": "obj-192",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						200.0,
						68.0,
						22.0
					],
					"text": "gate 1 0"
				}
			},
			{
				"box": {
					"id": "obj-193",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						230.0,
						159.0,
						22.0
					],
					"text": "prepend /stylevae/key"
				}
			},
			{
				"box": {
					"id": "obj-194",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						260.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-195",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						2360.0,
						290.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-196",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						320.0,
						103.0,
						22.0
					],
					"text": "r ---liveroot"
				}
			},
			{
				"box": {
					"id": "obj-197",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						350.0,
						54.0,
						22.0
					],
					"text": "set $1"
				}
			},
			{
				"box": {
					"id": "obj-198",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						380.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-199",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2360.0,
						410.0,
						47.0,
						22.0
					],
					"text": "t b l"
				}
			},
			{
				"box": {
					"id": "obj-200",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						440.0,
						110.0,
						22.0
					],
					"text": "r ---livescale"
				}
			},
			{
				"box": {
					"id": "obj-201",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						2360.0,
						470.0,
						47.0,
						22.0
					],
					"text": "t i i"
				}
			},
			{
				"box": {
					"id": "obj-202",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						500.0,
						40.0,
						22.0
					],
					"text": "1"
				}
			},
			{
				"box": {
					"id": "obj-203",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						530.0,
						61.0,
						22.0
					],
					"text": "pak 0 0"
				}
			},
			{
				"box": {
					"id": "obj-204",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2360.0,
						560.0,
						40.0,
						22.0
					],
					"text": "i 0"
				}
			},
			{
				"box": {
					"id": "obj-205",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						2360.0,
						590.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-206",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						620.0,
						117.0,
						22.0
					],
					"text": "expr $i1 && $i2"
				}
			},
			{
				"box": {
					"id": "obj-207",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						650.0,
						103.0,
						22.0
					],
					"text": "s ---voicekey"
				}
			},
			{
				"box": {
					"id": "obj-208",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						680.0,
						103.0,
						22.0
					],
					"text": "r ---voicekey"
				}
			},
			{
				"box": {
					"id": "obj-209",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						710.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-210",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"bang",
						""
					],
					"patching_rect": [
						2360.0,
						740.0,
						61.0,
						22.0
					],
					"text": "sel 1 0"
				}
			},
			{
				"box": {
					"id": "obj-211",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						770.0,
						117.0,
						22.0
					],
					"text": "/stylevae/1/key"
				}
			},
			{
				"box": {
					"id": "obj-212",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						800.0,
						215.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/key"
				}
			},
			{
				"box": {
					"id": "obj-213",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						830.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-214",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						860.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-215",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2360.0,
						890.0,
						40.0,
						22.0
					],
					"text": "i 0"
				}
			},
			{
				"box": {
					"id": "obj-216",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						920.0,
						96.0,
						22.0
					],
					"text": "pack 0 major"
				}
			},
			{
				"box": {
					"id": "obj-217",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						950.0,
						173.0,
						22.0
					],
					"text": "prepend /stylevae/1/key"
				}
			},
			{
				"box": {
					"id": "obj-218",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						980.0,
						215.0,
						22.0
					],
					"text": "sprintf set /stylevae/%ld/key"
				}
			},
			{
				"box": {
					"id": "obj-219",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2360.0,
						1010.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-220",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						1040.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-221",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						2360.0,
						1070.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-222",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						1100.0,
						103.0,
						22.0
					],
					"text": "s ---voicekey"
				}
			},
			{
				"box": {
					"id": "obj-223",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						2360.0,
						1130.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-224",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2360.0,
						1160.0,
						1909.0,
						22.0
					],
					"text": "zl.lookup major minor harmonic_minor melodic_minor ionian dorian phrygian lydian mixolydian aeolian locrian major_pentatonic minor_pentatonic blues major_blues minor_blues harmonic_major phrygian_dominant lydian_dominant super_locrian hungarian_minor whole_tone chromatic"
				}
			},
			{
				"box": {
					"id": "obj-225",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2360.0,
						1190.0,
						103.0,
						22.0
					],
					"text": "s ---voicekey"
				}
			},
			{
				"box": {
					"id": "obj-226",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"int"
					],
					"patching_rect": [
						1840.0,
						20.0,
						117.0,
						22.0
					],
					"text": "live.thisdevice"
				}
			},
			{
				"box": {
					"id": "obj-227",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"bang",
						"bang"
					],
					"patching_rect": [
						1840.0,
						50.0,
						61.0,
						22.0
					],
					"text": "t b b b"
				}
			},
			{
				"box": {
					"id": "obj-228",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						80.0,
						103.0,
						22.0
					],
					"text": "path live_set"
				}
			},
			{
				"box": {
					"id": "obj-229",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						1840.0,
						110.0,
						75.0,
						22.0
					],
					"text": "live.path"
				}
			},
			{
				"box": {
					"id": "obj-230",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 7,
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"patching_rect": [
						1840.0,
						140.0,
						117.0,
						22.0
					],
					"text": "t l l l l l l l"
				}
			},
			{
				"box": {
					"id": "obj-231",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						170.0,
						215.0,
						22.0
					],
					"text": "live.observer @property tempo"
				}
			},
			{
				"box": {
					"id": "obj-232",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						200.0,
						243.0,
						22.0
					],
					"text": "live.observer @property root_note"
				}
			},
			{
				"box": {
					"id": "obj-233",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						230.0,
						285.0,
						22.0
					],
					"text": "live.observer @property scale_intervals"
				}
			},
			{
				"box": {
					"id": "obj-234",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						260.0,
						257.0,
						22.0
					],
					"text": "live.observer @property loop_length"
				}
			},
			{
				"box": {
					"id": "obj-235",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						290.0,
						250.0,
						22.0
					],
					"text": "live.observer @property loop_start"
				}
			},
			{
				"box": {
					"id": "obj-236",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						320.0,
						208.0,
						22.0
					],
					"text": "live.observer @property loop"
				}
			},
			{
				"box": {
					"id": "obj-237",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						350.0,
						250.0,
						22.0
					],
					"text": "live.observer @property is_playing"
				}
			},
			{
				"box": {
					"id": "obj-238",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						1840.0,
						380.0,
						173.0,
						22.0
					],
					"text": "metro 16n @quantize 16n"
				}
			},
			{
				"box": {
					"id": "obj-239",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						410.0,
						103.0,
						22.0
					],
					"text": "s ---liveroot"
				}
			},
			{
				"box": {
					"id": "obj-240",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						440.0,
						110.0,
						22.0
					],
					"text": "s ---livescale"
				}
			},
			{
				"box": {
					"id": "obj-241",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						470.0,
						40.0,
						22.0
					],
					"text": "1"
				}
			},
			{
				"box": {
					"id": "obj-242",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						500.0,
						40.0,
						22.0
					],
					"text": "1"
				}
			},
			{
				"box": {
					"id": "obj-243",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						530.0,
						117.0,
						22.0
					],
					"text": "pack 0. 0 120.0"
				}
			},
			{
				"box": {
					"id": "obj-244",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						560.0,
						201.0,
						22.0
					],
					"text": "prepend /stylevae/transport"
				}
			},
			{
				"box": {
					"id": "obj-245",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						590.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-246",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						1840.0,
						620.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-247",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						650.0,
						173.0,
						22.0
					],
					"text": "prepend /stylevae/tempo"
				}
			},
			{
				"box": {
					"id": "obj-248",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						680.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-249",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"int"
					],
					"patching_rect": [
						1840.0,
						710.0,
						61.0,
						22.0
					],
					"text": "t b i i"
				}
			},
			{
				"box": {
					"id": "obj-250",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						740.0,
						96.0,
						22.0
					],
					"text": "s ---playing"
				}
			},
			{
				"box": {
					"id": "obj-251",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						770.0,
						96.0,
						22.0
					],
					"text": "s ---beatnow"
				}
			},
			{
				"box": {
					"id": "obj-252",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						800.0,
						96.0,
						22.0
					],
					"text": "s ---beatnow"
				}
			},
			{
				"box": {
					"id": "obj-253",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						830.0,
						96.0,
						22.0
					],
					"text": "pak 0 0. 4.0"
				}
			},
			{
				"box": {
					"id": "obj-254",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						860.0,
						89.0,
						22.0
					],
					"text": "r ---resend"
				}
			},
			{
				"box": {
					"id": "obj-255",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1840.0,
						890.0,
						47.0,
						22.0
					],
					"text": "t l l"
				}
			},
			{
				"box": {
					"id": "obj-256",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						920.0,
						166.0,
						22.0
					],
					"text": "prepend /stylevae/loop"
				}
			},
			{
				"box": {
					"id": "obj-257",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						950.0,
						68.0,
						22.0
					],
					"text": "s ---osc"
				}
			},
			{
				"box": {
					"id": "obj-258",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						980.0,
						75.0,
						22.0
					],
					"text": "s ---loop"
				}
			},
			{
				"box": {
					"id": "obj-259",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						1840.0,
						1010.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-260",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 9,
					"outlettype": [
						"int",
						"int",
						"float",
						"float",
						"float",
						"",
						"int",
						"float",
						""
					],
					"patching_rect": [
						1840.0,
						1040.0,
						75.0,
						22.0
					],
					"text": "transport"
				}
			},
			{
				"box": {
					"id": "obj-261",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1840.0,
						1070.0,
						61.0,
						22.0
					],
					"text": "/ 480.0"
				}
			},
			{
				"box": {
					"id": "obj-262",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						1840.0,
						1100.0,
						40.0,
						22.0
					],
					"text": "f"
				}
			},
			{
				"box": {
					"id": "obj-263",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						1840.0,
						1130.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-264",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1840.0,
						1160.0,
						96.0,
						22.0
					],
					"text": "r ---beatnow"
				}
			},
			{
				"box": {
					"id": "obj-265",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1840.0,
						1190.0,
						103.0,
						22.0
					],
					"text": "s ---playhead"
				}
			},
			{
				"box": {
					"id": "obj-266",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2100.0,
						20.0,
						138.0,
						22.0
					],
					"mode": 1,
					"parameter_enable": 1,
					"presentation": 1,
					"presentation_rect": [
						256,
						146,
						140,
						18
					],
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								0
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Note Output",
							"parameter_mmax": 1,
							"parameter_mmin": 0,
							"parameter_shortname": "Notes",
							"parameter_type": 2,
							"parameter_enum": [
								"off",
								"on"
							]
						}
					},
					"text": "Notes to MIDI port",
					"texton": "Notes to this track",
					"varname": "note_output"
				}
			},
			{
				"box": {
					"id": "obj-267",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"int",
						"int"
					],
					"patching_rect": [
						2100.0,
						50.0,
						61.0,
						22.0
					],
					"text": "t i i i"
				}
			},
			{
				"box": {
					"id": "obj-268",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 9,
					"outlettype": [
						"int",
						"int",
						"float",
						"float",
						"float",
						"",
						"int",
						"float",
						""
					],
					"patching_rect": [
						2100.0,
						80.0,
						75.0,
						22.0
					],
					"text": "transport"
				}
			},
			{
				"box": {
					"id": "obj-269",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"float"
					],
					"patching_rect": [
						2100.0,
						110.0,
						61.0,
						22.0
					],
					"text": "/ 480.0"
				}
			},
			{
				"box": {
					"id": "obj-270",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						140.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-271",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						170.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-272",
					"maxclass": "newobj",
					"numinlets": 6,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						200.0,
						1062.0,
						22.0
					],
					"text": "expr $f1 - $f2 + $f3 * max(($f1 >= $f6) * ($f1 <= $f6 + $f4)\\, ($f2 >= $f6) * ($f2 <= $f6 + $f4)) * $f4 * (int(($f5 - ($f1) + $f2) / $f4 + 64.5) - 64)"
				}
			},
			{
				"box": {
					"id": "obj-273",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						230.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-274",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						260.0,
						166.0,
						22.0
					],
					"text": "expr $f1 + 0.125 >= 0."
				}
			},
			{
				"box": {
					"id": "obj-275",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						290.0,
						243.0,
						22.0
					],
					"text": "expr max($f1\\, 0.) * 60000. / $f2"
				}
			},
			{
				"box": {
					"id": "obj-276",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						320.0,
						54.0,
						22.0
					],
					"text": "gate 1"
				}
			},
			{
				"box": {
					"id": "obj-277",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						350.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-278",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						380.0,
						523.0,
						22.0
					],
					"text": "expr ((int($f3 * 4. + 0.5) % 1024 + 1024) % 1024 * 128 + $i1) * 128 + $i2"
				}
			},
			{
				"box": {
					"id": "obj-279",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						2100.0,
						410.0,
						47.0,
						22.0
					],
					"text": "t i i"
				}
			},
			{
				"box": {
					"id": "obj-280",
					"maxclass": "newobj",
					"numinlets": 8,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						440.0,
						1405.0,
						22.0
					],
					"text": "expr max($f1 + $f4 - $f2 + $f5 * max(($f1 + $f4 >= $f8) * ($f1 + $f4 <= $f8 + $f6)\\, ($f2 >= $f8) * ($f2 <= $f8 + $f6)) * $f6 * (int(($f7 - ($f1 + $f4) + $f2) / $f6 + 64.5) - 64)\\, 0.) * 60000. / $f3"
				}
			},
			{
				"box": {
					"id": "obj-281",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						470.0,
						47.0,
						22.0
					],
					"text": "t f f"
				}
			},
			{
				"box": {
					"id": "obj-282",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						500.0,
						425.0,
						22.0
					],
					"text": "expr (int($f2 * 4. + 0.5) % 1024 + 1024) % 1024 * 128 + $i1"
				}
			},
			{
				"box": {
					"id": "obj-283",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						530.0,
						54.0,
						22.0
					],
					"text": "pipe 0"
				}
			},
			{
				"box": {
					"id": "obj-284",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						560.0,
						54.0,
						22.0
					],
					"text": "pipe 0"
				}
			},
			{
				"box": {
					"id": "obj-285",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"int",
						"bang"
					],
					"patching_rect": [
						2100.0,
						590.0,
						61.0,
						22.0
					],
					"text": "t i i b"
				}
			},
			{
				"box": {
					"id": "obj-286",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2100.0,
						620.0,
						40.0,
						22.0
					],
					"text": "i -1"
				}
			},
			{
				"box": {
					"id": "obj-287",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						2100.0,
						650.0,
						47.0,
						22.0
					],
					"text": "t i i"
				}
			},
			{
				"box": {
					"id": "obj-288",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2100.0,
						680.0,
						47.0,
						22.0
					],
					"text": "== -1"
				}
			},
			{
				"box": {
					"id": "obj-289",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						710.0,
						54.0,
						22.0
					],
					"text": "gate 1"
				}
			},
			{
				"box": {
					"id": "obj-290",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						2100.0,
						740.0,
						54.0,
						22.0
					],
					"text": "t i -1"
				}
			},
			{
				"box": {
					"id": "obj-291",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"bang"
					],
					"patching_rect": [
						2100.0,
						770.0,
						54.0,
						22.0
					],
					"text": "t -1 b"
				}
			},
			{
				"box": {
					"id": "obj-292",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						2100.0,
						800.0,
						47.0,
						22.0
					],
					"text": "t i i"
				}
			},
			{
				"box": {
					"id": "obj-293",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						830.0,
						110.0,
						22.0
					],
					"text": "expr $i1 % 128"
				}
			},
			{
				"box": {
					"id": "obj-294",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						860.0,
						110.0,
						22.0
					],
					"text": "expr $i1 % 128"
				}
			},
			{
				"box": {
					"id": "obj-295",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						890.0,
						68.0,
						22.0
					],
					"text": "pack 0 0"
				}
			},
			{
				"box": {
					"id": "obj-296",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						920.0,
						68.0,
						22.0
					],
					"text": "pack 0 0"
				}
			},
			{
				"box": {
					"id": "obj-297",
					"maxclass": "newobj",
					"numinlets": 7,
					"numoutlets": 2,
					"outlettype": [
						"int",
						""
					],
					"patching_rect": [
						2100.0,
						950.0,
						82.0,
						22.0
					],
					"text": "midiformat"
				}
			},
			{
				"box": {
					"id": "obj-298",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2100.0,
						980.0,
						61.0,
						22.0
					],
					"text": "midiout"
				}
			},
			{
				"box": {
					"id": "obj-299",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						1010.0,
						96.0,
						22.0
					],
					"text": "unpack i f f"
				}
			},
			{
				"box": {
					"id": "obj-300",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1040.0,
						75.0,
						22.0
					],
					"text": "r ---loop"
				}
			},
			{
				"box": {
					"id": "obj-301",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						1070.0,
						96.0,
						22.0
					],
					"text": "unpack i f f"
				}
			},
			{
				"box": {
					"id": "obj-302",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1100.0,
						75.0,
						22.0
					],
					"text": "r ---loop"
				}
			},
			{
				"box": {
					"id": "obj-303",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1130.0,
						54.0,
						22.0
					],
					"text": "gate 1"
				}
			},
			{
				"box": {
					"id": "obj-304",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						2100.0,
						1160.0,
						47.0,
						22.0
					],
					"text": "t l b"
				}
			},
			{
				"box": {
					"id": "obj-305",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"int",
						"int",
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						1190.0,
						110.0,
						22.0
					],
					"text": "unpack i i f f"
				}
			},
			{
				"box": {
					"id": "obj-306",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1220.0,
						54.0,
						22.0
					],
					"text": "gate 1"
				}
			},
			{
				"box": {
					"id": "obj-307",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						2100.0,
						1250.0,
						47.0,
						22.0
					],
					"text": "t l b"
				}
			},
			{
				"box": {
					"id": "obj-308",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 5,
					"outlettype": [
						"int",
						"int",
						"float",
						"float",
						"float"
					],
					"patching_rect": [
						2100.0,
						1280.0,
						124.0,
						22.0
					],
					"text": "unpack i i f f f"
				}
			},
			{
				"box": {
					"id": "obj-309",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1310.0,
						110.0,
						22.0
					],
					"text": "expr $i1 % 128"
				}
			},
			{
				"box": {
					"id": "obj-310",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2100.0,
						1340.0,
						47.0,
						22.0
					],
					"text": "/ 128"
				}
			},
			{
				"box": {
					"id": "obj-311",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2100.0,
						1370.0,
						54.0,
						22.0
					],
					"text": "sel -1"
				}
			},
			{
				"box": {
					"id": "obj-312",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"bang"
					],
					"patching_rect": [
						2100.0,
						1400.0,
						47.0,
						22.0
					],
					"text": "t i b"
				}
			},
			{
				"box": {
					"id": "obj-313",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1430.0,
						96.0,
						22.0
					],
					"text": "r ---channel"
				}
			},
			{
				"box": {
					"id": "obj-314",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						2100.0,
						1460.0,
						54.0,
						22.0
					],
					"text": "midiin"
				}
			},
			{
				"box": {
					"id": "obj-315",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"bang",
						"bang"
					],
					"patching_rect": [
						2100.0,
						1490.0,
						61.0,
						22.0
					],
					"text": "t b b b"
				}
			},
			{
				"box": {
					"id": "obj-316",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1520.0,
						96.0,
						22.0
					],
					"text": "r ---playing"
				}
			},
			{
				"box": {
					"id": "obj-317",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2100.0,
						1550.0,
						47.0,
						22.0
					],
					"text": "sel 0"
				}
			},
			{
				"box": {
					"id": "obj-318",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1580.0,
						110.0,
						22.0
					],
					"text": "r ---connected"
				}
			},
			{
				"box": {
					"id": "obj-319",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2100.0,
						1610.0,
						47.0,
						22.0
					],
					"text": "sel 0"
				}
			},
			{
				"box": {
					"id": "obj-320",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1640.0,
						82.0,
						22.0
					],
					"text": "r ---voice"
				}
			},
			{
				"box": {
					"id": "obj-321",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2100.0,
						1670.0,
						47.0,
						22.0
					],
					"text": "sel 0"
				}
			},
			{
				"box": {
					"id": "obj-322",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1700.0,
						47.0,
						22.0
					],
					"text": "clear"
				}
			},
			{
				"box": {
					"id": "obj-323",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1730.0,
						47.0,
						22.0
					],
					"text": "flush"
				}
			},
			{
				"box": {
					"id": "obj-324",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						2100.0,
						1760.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-325",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2100.0,
						1790.0,
						47.0,
						22.0
					],
					"text": "clear"
				}
			},
			{
				"box": {
					"id": "obj-326",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2620.0,
						20.0,
						89.0,
						22.0
					],
					"fontsize": 9.0,
					"presentation": 1,
					"presentation_rect": [
						600,
						2,
						130,
						14
					],
					"text": "Now playing"
				}
			},
			{
				"box": {
					"id": "obj-327",
					"maxclass": "matrixctrl",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"list",
						"list"
					],
					"patching_rect": [
						2620.0,
						50.0,
						82.0,
						22.0
					],
					"columns": 32,
					"ignoreclick": 1,
					"presentation": 1,
					"presentation_rect": [
						600,
						16,
						128,
						108
					],
					"rows": 36,
					"varname": "now_roll"
				}
			},
			{
				"box": {
					"id": "obj-328",
					"maxclass": "multislider",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						80.0,
						89.0,
						22.0
					],
					"ignoreclick": 1,
					"parameter_enable": 0,
					"presentation": 1,
					"presentation_rect": [
						734,
						16,
						60,
						108
					],
					"setminmax": [
						0.0,
						1.0
					],
					"size": 7,
					"varname": "now_mix"
				}
			},
			{
				"box": {
					"id": "obj-329",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2620.0,
						110.0,
						61.0,
						22.0
					],
					"fontsize": 9.0,
					"presentation": 1,
					"presentation_rect": [
						600,
						128,
						194,
						16
					],
					"text": "",
					"varname": "now_key"
				}
			},
			{
				"box": {
					"id": "obj-330",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						2620.0,
						140.0,
						61.0,
						22.0
					],
					"fontsize": 9.0,
					"presentation": 1,
					"presentation_rect": [
						600,
						146,
						194,
						16
					],
					"text": "",
					"varname": "now_style"
				}
			},
			{
				"box": {
					"id": "obj-331",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"int",
						"int",
						"float",
						"float"
					],
					"patching_rect": [
						2620.0,
						170.0,
						110.0,
						22.0
					],
					"text": "unpack i i f f"
				}
			},
			{
				"box": {
					"id": "obj-332",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						200.0,
						243.0,
						22.0
					],
					"text": "expr max(1\\, int($f1 * 4. + 0.5))"
				}
			},
			{
				"box": {
					"id": "obj-333",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						230.0,
						180.0,
						22.0
					],
					"text": "expr int($f1 * 4. + 0.5)"
				}
			},
			{
				"box": {
					"id": "obj-334",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"int"
					],
					"patching_rect": [
						2620.0,
						260.0,
						47.0,
						22.0
					],
					"text": "t b i"
				}
			},
			{
				"box": {
					"id": "obj-335",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						290.0,
						236.0,
						22.0
					],
					"text": "expr min(max(83 - $i1\\, 0)\\, 35)"
				}
			},
			{
				"box": {
					"id": "obj-336",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"bang",
						"int"
					],
					"patching_rect": [
						2620.0,
						320.0,
						40.0,
						22.0
					],
					"text": "uzi"
				}
			},
			{
				"box": {
					"id": "obj-337",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						350.0,
						187.0,
						22.0
					],
					"text": "expr ($i1 + $i2 - 1) % 32"
				}
			},
			{
				"box": {
					"id": "obj-338",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						380.0,
						82.0,
						22.0
					],
					"text": "pack 0 0 1"
				}
			},
			{
				"box": {
					"id": "obj-339",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						410.0,
						215.0,
						22.0
					],
					"text": "expr (int($f1 * 4.) + 4) % 32"
				}
			},
			{
				"box": {
					"id": "obj-340",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						440.0,
						1951.0,
						22.0
					],
					"text": "$1 0 0 $1 1 0 $1 2 0 $1 3 0 $1 4 0 $1 5 0 $1 6 0 $1 7 0 $1 8 0 $1 9 0 $1 10 0 $1 11 0 $1 12 0 $1 13 0 $1 14 0 $1 15 0 $1 16 0 $1 17 0 $1 18 0 $1 19 0 $1 20 0 $1 21 0 $1 22 0 $1 23 0 $1 24 0 $1 25 0 $1 26 0 $1 27 0 $1 28 0 $1 29 0 $1 30 0 $1 31 0 $1 32 0 $1 33 0 $1 34 0 $1 35 0"
				}
			},
			{
				"box": {
					"id": "obj-341",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						470.0,
						103.0,
						22.0
					],
					"text": "r ---playhead"
				}
			},
			{
				"box": {
					"id": "obj-342",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						500.0,
						96.0,
						22.0
					],
					"text": "r ---playing"
				}
			},
			{
				"box": {
					"id": "obj-343",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						2620.0,
						530.0,
						47.0,
						22.0
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-344",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						560.0,
						47.0,
						22.0
					],
					"text": "clear"
				}
			},
			{
				"box": {
					"id": "obj-345",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						590.0,
						89.0,
						22.0
					],
					"text": "zl.slice 13"
				}
			},
			{
				"box": {
					"id": "obj-346",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						620.0,
						47.0,
						22.0
					],
					"text": "t l l"
				}
			},
			{
				"box": {
					"id": "obj-347",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						650.0,
						54.0,
						22.0
					],
					"text": "zl.len"
				}
			},
			{
				"box": {
					"id": "obj-348",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						680.0,
						96.0,
						22.0
					],
					"text": "prepend size"
				}
			},
			{
				"box": {
					"id": "obj-349",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						710.0,
						89.0,
						22.0
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-350",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 13,
					"outlettype": [
						"int",
						"",
						"float",
						"float",
						"float",
						"int",
						"int",
						"int",
						"int",
						"int",
						"",
						"float",
						"int"
					],
					"patching_rect": [
						2620.0,
						740.0,
						236.0,
						22.0
					],
					"text": "unpack i s f f f i i i i i s f i"
				}
			},
			{
				"box": {
					"id": "obj-351",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						770.0,
						201.0,
						22.0
					],
					"text": "sprintf set key: %s %s (%s)"
				}
			},
			{
				"box": {
					"id": "obj-352",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						800.0,
						138.0,
						22.0
					],
					"text": "zl.lookup song own"
				}
			},
			{
				"box": {
					"id": "obj-353",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						2620.0,
						830.0,
						278.0,
						22.0
					],
					"text": "zl.lookup C C# D Eb E F F# G Ab A Bb B"
				}
			},
			{
				"box": {
					"id": "obj-354",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						2620.0,
						860.0,
						138.0,
						22.0
					],
					"text": "prepend set style:"
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"destination": [
						"obj-1",
						0
					],
					"source": [
						"obj-2",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-6",
						0
					],
					"source": [
						"obj-5",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-7",
						0
					],
					"source": [
						"obj-6",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-8",
						0
					],
					"source": [
						"obj-7",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-11",
						0
					],
					"source": [
						"obj-10",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-12",
						0
					],
					"source": [
						"obj-11",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-13",
						0
					],
					"source": [
						"obj-12",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-16",
						0
					],
					"source": [
						"obj-15",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-18",
						0
					],
					"source": [
						"obj-16",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-18",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-17",
						1
					],
					"source": [
						"obj-16",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-19",
						0
					],
					"source": [
						"obj-16",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-25",
						0
					],
					"source": [
						"obj-24",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-27",
						1
					],
					"source": [
						"obj-25",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-26",
						0
					],
					"source": [
						"obj-25",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-28",
						0
					],
					"source": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-29",
						0
					],
					"source": [
						"obj-27",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-17",
						0
					],
					"source": [
						"obj-30",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-31",
						0
					],
					"source": [
						"obj-17",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-32",
						0
					],
					"source": [
						"obj-31",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-34",
						0
					],
					"source": [
						"obj-33",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-35",
						0
					],
					"source": [
						"obj-33",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-36",
						0
					],
					"source": [
						"obj-35",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-37",
						0
					],
					"source": [
						"obj-34",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-38",
						0
					],
					"source": [
						"obj-37",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-39",
						0
					],
					"source": [
						"obj-42",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-40",
						0
					],
					"source": [
						"obj-39",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-41",
						0
					],
					"source": [
						"obj-40",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-27",
						0
					],
					"source": [
						"obj-41",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-43",
						0
					],
					"source": [
						"obj-40",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-44",
						0
					],
					"source": [
						"obj-43",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-45",
						0
					],
					"source": [
						"obj-44",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-46",
						0
					],
					"source": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-47",
						0
					],
					"source": [
						"obj-44",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-48",
						0
					],
					"source": [
						"obj-40",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-49",
						0
					],
					"source": [
						"obj-48",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-50",
						0
					],
					"source": [
						"obj-48",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-51",
						0
					],
					"source": [
						"obj-49",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-21",
						0
					],
					"source": [
						"obj-51",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-52",
						0
					],
					"source": [
						"obj-49",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-22",
						0
					],
					"source": [
						"obj-52",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-53",
						0
					],
					"source": [
						"obj-50",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-21",
						0
					],
					"source": [
						"obj-53",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-54",
						0
					],
					"source": [
						"obj-50",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-22",
						0
					],
					"source": [
						"obj-54",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						0
					],
					"source": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-56",
						0
					],
					"source": [
						"obj-57",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-58",
						0
					],
					"source": [
						"obj-56",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						4
					],
					"source": [
						"obj-58",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-59",
						0
					],
					"source": [
						"obj-56",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						5
					],
					"source": [
						"obj-59",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-60",
						0
					],
					"source": [
						"obj-56",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						6
					],
					"source": [
						"obj-60",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-61",
						0
					],
					"source": [
						"obj-56",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						7
					],
					"source": [
						"obj-61",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-62",
						0
					],
					"source": [
						"obj-56",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-55",
						8
					],
					"source": [
						"obj-62",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-33",
						0
					],
					"source": [
						"obj-55",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-63",
						0
					],
					"source": [
						"obj-55",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-23",
						0
					],
					"source": [
						"obj-63",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-64",
						0
					],
					"source": [
						"obj-55",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-65",
						0
					],
					"source": [
						"obj-55",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-66",
						0
					],
					"source": [
						"obj-55",
						5
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-67",
						0
					],
					"source": [
						"obj-55",
						6
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-68",
						0
					],
					"source": [
						"obj-55",
						7
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-71",
						0
					],
					"source": [
						"obj-70",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-74",
						0
					],
					"source": [
						"obj-73",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-72",
						0
					],
					"source": [
						"obj-74",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-75",
						0
					],
					"source": [
						"obj-72",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-72",
						0
					],
					"source": [
						"obj-71",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-76",
						0
					],
					"source": [
						"obj-71",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-77",
						0
					],
					"source": [
						"obj-71",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-80",
						0
					],
					"source": [
						"obj-79",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-81",
						0
					],
					"source": [
						"obj-80",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-84",
						0
					],
					"source": [
						"obj-85",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-83",
						0
					],
					"source": [
						"obj-84",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-86",
						0
					],
					"source": [
						"obj-83",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-83",
						0
					],
					"source": [
						"obj-82",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-82",
						0
					],
					"source": [
						"obj-87",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-82",
						0
					],
					"source": [
						"obj-80",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-92",
						0
					],
					"source": [
						"obj-93",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-91",
						0
					],
					"source": [
						"obj-92",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-94",
						0
					],
					"source": [
						"obj-91",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-91",
						0
					],
					"source": [
						"obj-90",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-90",
						0
					],
					"source": [
						"obj-95",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-90",
						0
					],
					"source": [
						"obj-89",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-100",
						0
					],
					"source": [
						"obj-101",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-99",
						0
					],
					"source": [
						"obj-100",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-102",
						0
					],
					"source": [
						"obj-99",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-99",
						0
					],
					"source": [
						"obj-98",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-98",
						0
					],
					"source": [
						"obj-103",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-98",
						0
					],
					"source": [
						"obj-97",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-105",
						0
					],
					"source": [
						"obj-104",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-105",
						1
					],
					"source": [
						"obj-106",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-111",
						0
					],
					"source": [
						"obj-112",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-110",
						0
					],
					"source": [
						"obj-111",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-113",
						0
					],
					"source": [
						"obj-110",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-110",
						0
					],
					"source": [
						"obj-109",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-109",
						0
					],
					"source": [
						"obj-114",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-107",
						0
					],
					"source": [
						"obj-105",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-108",
						0
					],
					"source": [
						"obj-107",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-109",
						0
					],
					"source": [
						"obj-108",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-118",
						0
					],
					"source": [
						"obj-119",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-117",
						0
					],
					"source": [
						"obj-118",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-120",
						0
					],
					"source": [
						"obj-117",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-117",
						0
					],
					"source": [
						"obj-116",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-116",
						0
					],
					"source": [
						"obj-121",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-116",
						0
					],
					"source": [
						"obj-115",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-125",
						0
					],
					"source": [
						"obj-126",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-124",
						0
					],
					"source": [
						"obj-125",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-127",
						0
					],
					"source": [
						"obj-124",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-123",
						0
					],
					"source": [
						"obj-122",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-124",
						0
					],
					"source": [
						"obj-123",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-133",
						1
					],
					"source": [
						"obj-64",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-135",
						0
					],
					"source": [
						"obj-64",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-136",
						0
					],
					"source": [
						"obj-135",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-131",
						0
					],
					"source": [
						"obj-136",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-129",
						0
					],
					"source": [
						"obj-136",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-137",
						0
					],
					"source": [
						"obj-64",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-138",
						0
					],
					"source": [
						"obj-137",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-134",
						0
					],
					"source": [
						"obj-138",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-139",
						0
					],
					"source": [
						"obj-137",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-141",
						0
					],
					"source": [
						"obj-129",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-140",
						1
					],
					"source": [
						"obj-141",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-142",
						0
					],
					"source": [
						"obj-141",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-143",
						0
					],
					"source": [
						"obj-131",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-140",
						2
					],
					"source": [
						"obj-143",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-144",
						0
					],
					"source": [
						"obj-143",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-145",
						0
					],
					"source": [
						"obj-132",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-140",
						3
					],
					"source": [
						"obj-145",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-146",
						0
					],
					"source": [
						"obj-145",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-134",
						1
					],
					"source": [
						"obj-148",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-134",
						1
					],
					"source": [
						"obj-149",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-133",
						0
					],
					"source": [
						"obj-134",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-147",
						0
					],
					"source": [
						"obj-133",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-150",
						0
					],
					"source": [
						"obj-147",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-151",
						0
					],
					"source": [
						"obj-150",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-152",
						0
					],
					"source": [
						"obj-147",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-153",
						0
					],
					"source": [
						"obj-152",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-140",
						0
					],
					"source": [
						"obj-153",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-151",
						0
					],
					"source": [
						"obj-140",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-151",
						0
					],
					"source": [
						"obj-147",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-155",
						0
					],
					"source": [
						"obj-156",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-154",
						0
					],
					"source": [
						"obj-155",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-157",
						0
					],
					"source": [
						"obj-154",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-154",
						0
					],
					"source": [
						"obj-151",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-161",
						0
					],
					"source": [
						"obj-162",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-160",
						0
					],
					"source": [
						"obj-161",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-163",
						0
					],
					"source": [
						"obj-160",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-160",
						0
					],
					"source": [
						"obj-159",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-159",
						0
					],
					"source": [
						"obj-164",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-159",
						0
					],
					"source": [
						"obj-158",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-168",
						0
					],
					"source": [
						"obj-169",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-167",
						0
					],
					"source": [
						"obj-168",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-170",
						0
					],
					"source": [
						"obj-167",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-167",
						0
					],
					"source": [
						"obj-166",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-166",
						0
					],
					"source": [
						"obj-171",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-166",
						0
					],
					"source": [
						"obj-165",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-175",
						0
					],
					"source": [
						"obj-176",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-174",
						0
					],
					"source": [
						"obj-175",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-177",
						0
					],
					"source": [
						"obj-174",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-174",
						0
					],
					"source": [
						"obj-173",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-173",
						0
					],
					"source": [
						"obj-178",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-173",
						0
					],
					"source": [
						"obj-172",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-182",
						0
					],
					"source": [
						"obj-183",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-181",
						0
					],
					"source": [
						"obj-182",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-184",
						0
					],
					"source": [
						"obj-181",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-181",
						0
					],
					"source": [
						"obj-180",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-180",
						0
					],
					"source": [
						"obj-185",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-180",
						0
					],
					"source": [
						"obj-179",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-191",
						0
					],
					"source": [
						"obj-190",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-193",
						0
					],
					"source": [
						"obj-191",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-194",
						0
					],
					"source": [
						"obj-193",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-195",
						0
					],
					"source": [
						"obj-196",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-197",
						0
					],
					"source": [
						"obj-195",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-191",
						0
					],
					"source": [
						"obj-197",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-192",
						1
					],
					"source": [
						"obj-195",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-192",
						1
					],
					"source": [
						"obj-198",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-190",
						0
					],
					"source": [
						"obj-192",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-199",
						0
					],
					"source": [
						"obj-200",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-190",
						0
					],
					"source": [
						"obj-199",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-202",
						0
					],
					"source": [
						"obj-199",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-201",
						0
					],
					"source": [
						"obj-202",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-192",
						0
					],
					"source": [
						"obj-201",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-203",
						0
					],
					"source": [
						"obj-187",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-203",
						1
					],
					"source": [
						"obj-201",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-206",
						0
					],
					"source": [
						"obj-203",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-205",
						0
					],
					"source": [
						"obj-206",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-204",
						1
					],
					"source": [
						"obj-205",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-207",
						0
					],
					"source": [
						"obj-205",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-204",
						0
					],
					"source": [
						"obj-208",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-204",
						0
					],
					"source": [
						"obj-209",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-210",
						0
					],
					"source": [
						"obj-204",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-212",
						0
					],
					"source": [
						"obj-213",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-211",
						0
					],
					"source": [
						"obj-212",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-214",
						0
					],
					"source": [
						"obj-211",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-211",
						0
					],
					"source": [
						"obj-210",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-215",
						0
					],
					"source": [
						"obj-210",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-218",
						0
					],
					"source": [
						"obj-219",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-217",
						0
					],
					"source": [
						"obj-218",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-220",
						0
					],
					"source": [
						"obj-217",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-216",
						0
					],
					"source": [
						"obj-215",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-217",
						0
					],
					"source": [
						"obj-216",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-221",
						0
					],
					"source": [
						"obj-188",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-215",
						1
					],
					"source": [
						"obj-221",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-222",
						0
					],
					"source": [
						"obj-221",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-223",
						0
					],
					"source": [
						"obj-189",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-224",
						0
					],
					"source": [
						"obj-223",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-216",
						1
					],
					"source": [
						"obj-224",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-225",
						0
					],
					"source": [
						"obj-223",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-227",
						0
					],
					"source": [
						"obj-226",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-228",
						0
					],
					"source": [
						"obj-227",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-229",
						0
					],
					"source": [
						"obj-228",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-230",
						0
					],
					"source": [
						"obj-229",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-237",
						1
					],
					"source": [
						"obj-230",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-236",
						1
					],
					"source": [
						"obj-230",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-235",
						1
					],
					"source": [
						"obj-230",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-234",
						1
					],
					"source": [
						"obj-230",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-233",
						1
					],
					"source": [
						"obj-230",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-232",
						1
					],
					"source": [
						"obj-230",
						5
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-231",
						1
					],
					"source": [
						"obj-230",
						6
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-239",
						0
					],
					"source": [
						"obj-232",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-240",
						0
					],
					"source": [
						"obj-233",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-241",
						0
					],
					"source": [
						"obj-227",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-238",
						0
					],
					"source": [
						"obj-241",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-242",
						0
					],
					"source": [
						"obj-227",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-24",
						0
					],
					"source": [
						"obj-242",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-244",
						0
					],
					"source": [
						"obj-243",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-245",
						0
					],
					"source": [
						"obj-244",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-246",
						0
					],
					"source": [
						"obj-231",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-243",
						2
					],
					"source": [
						"obj-246",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-247",
						0
					],
					"source": [
						"obj-246",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-248",
						0
					],
					"source": [
						"obj-247",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-249",
						0
					],
					"source": [
						"obj-237",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-243",
						1
					],
					"source": [
						"obj-249",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-250",
						0
					],
					"source": [
						"obj-249",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-251",
						0
					],
					"source": [
						"obj-249",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-252",
						0
					],
					"source": [
						"obj-238",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-253",
						0
					],
					"source": [
						"obj-236",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-253",
						1
					],
					"source": [
						"obj-235",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-253",
						2
					],
					"source": [
						"obj-234",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-253",
						0
					],
					"source": [
						"obj-254",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-255",
						0
					],
					"source": [
						"obj-253",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-256",
						0
					],
					"source": [
						"obj-255",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-257",
						0
					],
					"source": [
						"obj-256",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-258",
						0
					],
					"source": [
						"obj-255",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-259",
						0
					],
					"source": [
						"obj-264",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-260",
						0
					],
					"source": [
						"obj-259",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-261",
						0
					],
					"source": [
						"obj-260",
						7
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-262",
						1
					],
					"source": [
						"obj-261",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-262",
						0
					],
					"source": [
						"obj-259",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-263",
						0
					],
					"source": [
						"obj-262",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-265",
						0
					],
					"source": [
						"obj-263",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-243",
						0
					],
					"source": [
						"obj-263",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-267",
						0
					],
					"source": [
						"obj-266",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-269",
						0
					],
					"source": [
						"obj-268",
						7
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-270",
						0
					],
					"source": [
						"obj-269",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						1
					],
					"source": [
						"obj-270",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						1
					],
					"source": [
						"obj-270",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-271",
						0
					],
					"source": [
						"obj-268",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						2
					],
					"source": [
						"obj-271",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-275",
						1
					],
					"source": [
						"obj-271",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-299",
						0
					],
					"source": [
						"obj-300",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						2
					],
					"source": [
						"obj-299",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						5
					],
					"source": [
						"obj-299",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						3
					],
					"source": [
						"obj-299",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-301",
						0
					],
					"source": [
						"obj-302",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						4
					],
					"source": [
						"obj-301",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						7
					],
					"source": [
						"obj-301",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						5
					],
					"source": [
						"obj-301",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-303",
						0
					],
					"source": [
						"obj-267",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-303",
						1
					],
					"source": [
						"obj-66",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-304",
						0
					],
					"source": [
						"obj-303",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-268",
						0
					],
					"source": [
						"obj-304",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-305",
						0
					],
					"source": [
						"obj-304",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						4
					],
					"source": [
						"obj-305",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-277",
						0
					],
					"source": [
						"obj-305",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-278",
						2
					],
					"source": [
						"obj-277",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-272",
						0
					],
					"source": [
						"obj-277",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-273",
						0
					],
					"source": [
						"obj-272",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-274",
						0
					],
					"source": [
						"obj-273",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-276",
						0
					],
					"source": [
						"obj-274",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-275",
						0
					],
					"source": [
						"obj-273",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-278",
						1
					],
					"source": [
						"obj-305",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-278",
						0
					],
					"source": [
						"obj-305",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-276",
						1
					],
					"source": [
						"obj-278",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-283",
						0
					],
					"source": [
						"obj-276",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-306",
						0
					],
					"source": [
						"obj-267",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-306",
						1
					],
					"source": [
						"obj-65",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-307",
						0
					],
					"source": [
						"obj-306",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-268",
						0
					],
					"source": [
						"obj-307",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-308",
						0
					],
					"source": [
						"obj-307",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						6
					],
					"source": [
						"obj-308",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						3
					],
					"source": [
						"obj-308",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-281",
						0
					],
					"source": [
						"obj-308",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-282",
						1
					],
					"source": [
						"obj-281",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-280",
						0
					],
					"source": [
						"obj-281",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-282",
						0
					],
					"source": [
						"obj-308",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-284",
						0
					],
					"source": [
						"obj-282",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-283",
						1
					],
					"source": [
						"obj-275",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-284",
						1
					],
					"source": [
						"obj-280",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-279",
						0
					],
					"source": [
						"obj-283",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-309",
						0
					],
					"source": [
						"obj-279",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-295",
						1
					],
					"source": [
						"obj-309",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-310",
						0
					],
					"source": [
						"obj-279",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-285",
						0
					],
					"source": [
						"obj-310",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-286",
						0
					],
					"source": [
						"obj-285",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-292",
						0
					],
					"source": [
						"obj-285",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-293",
						0
					],
					"source": [
						"obj-285",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-295",
						0
					],
					"source": [
						"obj-293",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-286",
						1
					],
					"source": [
						"obj-292",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-288",
						1
					],
					"source": [
						"obj-292",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-287",
						0
					],
					"source": [
						"obj-284",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-288",
						0
					],
					"source": [
						"obj-287",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-289",
						0
					],
					"source": [
						"obj-288",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-289",
						1
					],
					"source": [
						"obj-287",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-290",
						0
					],
					"source": [
						"obj-289",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-292",
						0
					],
					"source": [
						"obj-290",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-294",
						0
					],
					"source": [
						"obj-290",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-311",
						0
					],
					"source": [
						"obj-286",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-294",
						0
					],
					"source": [
						"obj-311",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-296",
						0
					],
					"source": [
						"obj-294",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-286",
						0
					],
					"source": [
						"obj-291",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-292",
						0
					],
					"source": [
						"obj-291",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-297",
						0
					],
					"source": [
						"obj-295",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-297",
						0
					],
					"source": [
						"obj-296",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-312",
						0
					],
					"source": [
						"obj-313",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-291",
						0
					],
					"source": [
						"obj-312",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-297",
						6
					],
					"source": [
						"obj-312",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-298",
						0
					],
					"source": [
						"obj-297",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-298",
						0
					],
					"source": [
						"obj-314",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-315",
						0
					],
					"source": [
						"obj-67",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-317",
						0
					],
					"source": [
						"obj-316",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-315",
						0
					],
					"source": [
						"obj-317",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-319",
						0
					],
					"source": [
						"obj-318",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-315",
						0
					],
					"source": [
						"obj-319",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-315",
						0
					],
					"source": [
						"obj-320",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-321",
						0
					],
					"source": [
						"obj-267",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-315",
						0
					],
					"source": [
						"obj-321",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-322",
						0
					],
					"source": [
						"obj-315",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-283",
						0
					],
					"source": [
						"obj-322",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-323",
						0
					],
					"source": [
						"obj-315",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-284",
						0
					],
					"source": [
						"obj-323",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-291",
						0
					],
					"source": [
						"obj-315",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-324",
						0
					],
					"source": [
						"obj-68",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-322",
						0
					],
					"source": [
						"obj-324",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-325",
						0
					],
					"source": [
						"obj-324",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-284",
						0
					],
					"source": [
						"obj-325",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-331",
						0
					],
					"source": [
						"obj-65",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-332",
						0
					],
					"source": [
						"obj-331",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-336",
						1
					],
					"source": [
						"obj-332",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-333",
						0
					],
					"source": [
						"obj-331",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-337",
						1
					],
					"source": [
						"obj-333",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-334",
						0
					],
					"source": [
						"obj-331",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-335",
						0
					],
					"source": [
						"obj-334",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-338",
						1
					],
					"source": [
						"obj-335",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-336",
						0
					],
					"source": [
						"obj-334",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-337",
						0
					],
					"source": [
						"obj-336",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-338",
						0
					],
					"source": [
						"obj-337",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-327",
						0
					],
					"source": [
						"obj-338",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-339",
						0
					],
					"source": [
						"obj-341",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-340",
						0
					],
					"source": [
						"obj-339",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-327",
						0
					],
					"source": [
						"obj-340",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-343",
						0
					],
					"source": [
						"obj-342",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-344",
						0
					],
					"source": [
						"obj-343",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-327",
						0
					],
					"source": [
						"obj-344",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-344",
						0
					],
					"source": [
						"obj-67",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-345",
						0
					],
					"source": [
						"obj-55",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-346",
						0
					],
					"source": [
						"obj-345",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-347",
						0
					],
					"source": [
						"obj-346",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-348",
						0
					],
					"source": [
						"obj-347",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-328",
						0
					],
					"source": [
						"obj-348",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-349",
						0
					],
					"source": [
						"obj-346",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-328",
						0
					],
					"source": [
						"obj-349",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-350",
						0
					],
					"source": [
						"obj-345",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-352",
						0
					],
					"source": [
						"obj-350",
						12
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-351",
						2
					],
					"source": [
						"obj-352",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-351",
						1
					],
					"source": [
						"obj-350",
						10
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-353",
						0
					],
					"source": [
						"obj-350",
						9
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-351",
						0
					],
					"source": [
						"obj-353",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-329",
						0
					],
					"source": [
						"obj-351",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-354",
						0
					],
					"source": [
						"obj-350",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-330",
						0
					],
					"source": [
						"obj-354",
						0
					]
				}
			}
		],
		"parameters": {
			"obj-10": [
				"Daemon Port",
				"Port",
				0
			],
			"obj-15": [
				"Reply Port",
				"Reply",
				0
			],
			"obj-70": [
				"Voice",
				"Voice",
				0
			],
			"obj-79": [
				"Channel",
				"Chan",
				0
			],
			"obj-89": [
				"Octave",
				"Oct",
				0
			],
			"obj-97": [
				"Velocity",
				"Vel",
				0
			],
			"obj-104": [
				"Play",
				"Play",
				0
			],
			"obj-115": [
				"Hold",
				"Hold",
				0
			],
			"obj-122": [
				"Reseed",
				"Reseed",
				0
			],
			"obj-129": [
				"Style A",
				"Style A",
				0
			],
			"obj-131": [
				"Style B",
				"Style B",
				0
			],
			"obj-132": [
				"Blend",
				"Blend",
				0
			],
			"obj-158": [
				"Temperature",
				"Temp",
				0
			],
			"obj-165": [
				"Variation",
				"Var",
				0
			],
			"obj-172": [
				"Density",
				"Dens",
				0
			],
			"obj-179": [
				"Lock",
				"Lock",
				0
			],
			"obj-187": [
				"Follow Key",
				"Follow",
				0
			],
			"obj-188": [
				"Key",
				"Key",
				0
			],
			"obj-189": [
				"Scale",
				"Scale",
				0
			],
			"obj-266": [
				"Note Output",
				"Notes",
				0
			],
			"parameterbanks": {
				"0": {
					"index": 0,
					"name": "",
					"parameters": [
						"-",
						"-",
						"-",
						"-",
						"-",
						"-",
						"-",
						"-"
					]
				}
			},
			"inherited_shortname": 1
		},
		"dependency_cache": [],
		"latency": 0,
		"is_mpe": 0,
		"project": {
			"amxdtype": 1835887981
		}
	}
}
