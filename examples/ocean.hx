# ocean.hx — an ocean-model-style kernel: equation of state and isoneutral stencils
"""A benchmark-style kernel in the shape of ocean models such as Veros or NEMO.

Seawater density comes from a long polynomial in conservative temperature, absolute
salinity and pressure (in the style of the TEOS-10 / Jackett-McDougall polynomial fits;
the coefficients below are illustrative, not the standard's). Then slopes of the
neutral surfaces are computed with slice-assignment stencils on 3-D and 4-D arrays,
as in an isoneutral-mixing routine.
"""

# ---- module-level constants -------------------------------------------------
nx = 24
ny = 20
nz = 12
dx = 2.0e4
dy = 2.0e4
dz_top = 10.0
grav = 9.81
rho0 = 1024.0
epsln = 1.0e-20
slope_max = 5.0e-4
sfac = 0.0248826675584615      # 1 / (40 g/kg)
offset = 5.971840214030754e-1
tfac = 0.025                   # 1 / (40 degC)
pfac = 1.0e-4                  # 1 / (1e4 dbar)
rho_mirror = 1900.0

def specific_volume(sa, ct, p):
    """Specific volume (m^3/kg) from a 48-term polynomial in (x, y, z)."""
    x = sqrt(sfac * sa + offset)
    y = ct * tfac
    z = p * pfac
    v = (1.0769995862e-3 + 6.0799143809e-5 * x - 3.1132425025e-6 * x * x
         + 3.5045587452e-7 * x ** 3 - 4.5437285271e-8 * x ** 4
         + 6.3138483016e-9 * x ** 5 - 4.0637380298e-10 * x ** 6
         - 2.8451235762e-6 * y + 6.5410456216e-7 * x * y - 4.1524301121e-7 * x * x * y
         + 4.1002063813e-8 * x ** 3 * y - 1.8416564436e-8 * x ** 4 * y
         + 1.4452305428e-9 * x ** 5 * y + 7.2021513431e-7 * y * y
         - 9.0112410212e-8 * x * y * y + 2.6543233713e-8 * x * x * y * y
         - 1.9023012004e-9 * x ** 3 * y * y + 9.4313047236e-10 * x ** 4 * y * y
         - 1.8542107625e-7 * y ** 3 + 3.4167421813e-8 * x * y ** 3
         - 5.0115434255e-9 * x * x * y ** 3 + 2.8129478364e-10 * x ** 3 * y ** 3
         + 2.8512478631e-8 * y ** 4 - 4.6114501297e-9 * x * y ** 4
         + 7.0118654813e-10 * x * x * y ** 4 - 3.8114546172e-9 * y ** 5
         + 5.5105416517e-10 * x * y ** 5 + 2.0817340415e-10 * y ** 6
         - 4.8406347120e-8 * z + 3.0261523125e-9 * x * z - 1.0117342110e-9 * x * x * z
         + 1.3129346611e-10 * x ** 3 * z - 4.2180107126e-11 * x ** 4 * z
         + 3.1162312013e-9 * y * z - 1.4218473610e-9 * x * y * z
         + 1.1831721340e-10 * x * x * y * z - 2.1221304710e-10 * y * y * z
         + 5.8110414411e-11 * x * y * y * z + 3.0116133121e-11 * y ** 3 * z
         + 2.1118113412e-9 * z * z - 4.3101413114e-10 * x * z * z
         + 9.3105103412e-11 * y * z * z - 2.4101013115e-11 * x * y * z * z
         - 1.1012501216e-10 * z ** 3 + 2.1011017421e-11 * x * z ** 3
         - 1.5019107813e-11 * y * z ** 3 + 9.1102121411e-12 * z ** 4)
    return v

def density(sa, ct, p):
    # Mirrored about a reference so that density falls with temperature and rises
    # with salinity, as for seawater, with values near 1027 kg/m^3.
    return rho_mirror - 1.0 / specific_volume(sa, ct, p)

def mean_of(*args):
    """Mean of any number of equally shaped arrays."""
    total = zeros_like(args[0])
    for a in args:
        total = total + a
    return total / len(args)

# ---- grid and deterministic initial state -----------------------------------
zt = -dz_top * (arange(nz) + 0.5) * (1 + 0.15 * arange(nz))       # depth of cell centres
dzt = dz_top * (1 + 0.3 * arange(nz))
xt = arange(nx) * dx
yt = arange(ny) * dy
X = xt[:, newaxis, newaxis] / (nx * dx)
Y = yt[newaxis, :, newaxis] / (ny * dy)
Z = zt[newaxis, newaxis, :] / zt.min()
temp = 2.0 + 18.0 * (1 - Z) * (0.6 + 0.4 * cos(pi * Y)) + 1.5 * sin(2 * pi * X) * (1 - Z)
salt = 34.0 + 1.2 * Z + 0.4 * sin(pi * X) * cos(2 * pi * Y)
press = -zt[newaxis, newaxis, :] * ones((nx, ny, 1))              # ~ dbar
print("grid", temp.shape, "T range", temp.min().round(6), temp.max().round(6),
      "S range", salt.min().round(6), salt.max().round(6))

rho = density(salt, temp, press)
print(f"density: min {rho.min():.6f} max {rho.max():.6f} mean {rho.mean():.6f}")
print("density profile at (0, 0):", rho[0, 0, ::3].round(4))

# ---- 4-D gradients: last axis holds (temperature, salinity) --------------------
ts = stack((temp, salt), axis=-1)                                  # (nx, ny, nz, 2)
dtsx = zeros_like(ts)
dtsy = zeros_like(ts)
dtsz = zeros_like(ts)
dtsx[:-1, :, :, :] = (ts[1:, :, :, :] - ts[:-1, :, :, :]) / dx
dtsy[:, :-1, :, :] = (ts[:, 1:, :, :] - ts[:, :-1, :, :]) / dy
dtsz[:, :, :-1, :] = (ts[:, :, :-1, :] - ts[:, :, 1:, :]) / dzt[newaxis, newaxis, :-1, newaxis]
print("max |dT/dx|", abs(dtsx[..., 0]).max().round(12), "max |dS/dz|", abs(dtsz[..., 1]).max().round(10))

# Thermal expansion and haline contraction by centred finite differences in T and S.
def drho_coefficients(sa, ct, p):
    def d_dt(h):
        return (density(sa, ct + h, p) - density(sa, ct - h, p)) / (2 * h)
    def d_ds(h):
        return (density(sa + h, ct, p) - density(sa - h, p=p, ct=ct)) / (2 * h)
    return d_dt(1e-3), d_ds(1e-3)

drdT, drdS = drho_coefficients(salt, temp, press)
print(f"drho/dT in [{drdT.min():.6f}, {drdT.max():.6f}], drho/dS in [{drdS.min():.6f}, {drdS.max():.6f}]")

# ---- isoneutral slopes on the four corners of each cell (veros style) ------------
sxe = zeros((nx, ny, nz, 2))
for k in range(1, nz - 1):
    kr = 0 if k == 1 else 1
    for ip in range(2):
        drodxe = drdT[ip:-1 + ip or None, :, k] * dtsx[:-1, :, k, 0] \
            + drdS[ip:-1 + ip or None, :, k] * dtsx[:-1, :, k, 1]
        drodze = drdT[ip:-1 + ip or None, :, k] * dtsz[ip:-1 + ip or None, :, k - 1 + kr, 0] \
            + drdS[ip:-1 + ip or None, :, k] * dtsz[ip:-1 + ip or None, :, k - 1 + kr, 1]
        sxe[:-1, :, k, ip] = -drodxe / (minimum(0.0, drodze) - epsln)
print(f"slope x: max {abs(sxe).max():.6e} mean {sxe.mean():.6e}")
sxe = clip(sxe, -slope_max, slope_max)
print("clipped slopes: fraction at limit", (count_nonzero(abs(sxe) == slope_max) / sxe.size).round(6))

# Vertical smoothing with the `-1 + k or None` idiom selecting shifted views.
smooth = zeros((nx, ny, nz))
for kr in range(2):
    shifted = rho[:, :, kr:-1 + kr or None]
    print(kr, "shifted view", shifted.shape, "mean", shifted.mean().round(6))
smooth[:, :, 1:-1] = mean_of(rho[:, :, :-2], rho[:, :, 1:-1], rho[:, :, 2:])
smooth[:, :, 0] = rho[:, :, 0]
smooth[:, :, -1] = rho[:, :, -1]
print("smoothing changed density by at most", abs(smooth - rho).max().round(8))

# Horizontal diffusion of temperature with a 3-D stencil and in-place update.
kappa = 0.1
t = temp.copy()
for step in range(5):
    t[1:-1, 1:-1, :] += kappa * (t[2:, 1:-1, :] + t[:-2, 1:-1, :] + t[1:-1, 2:, :] + t[1:-1, :-2, :]
                                 - 4 * t[1:-1, 1:-1, :])
print("diffused T: heat change", (t.sum() - temp.sum()).round(6), "max change", abs(t - temp).max().round(8))

# Column-integrated buoyancy and a stratification check.
bvf = -grav / rho0 * (rho[:, :, :-1] - rho[:, :, 1:]) / (zt[:-1] - zt[1:])
print(f"N^2 range {bvf.min():.6e} {bvf.max():.6e}", "stable:", (bvf > 0).all() or (bvf > 0).mean() > 0.5)
heat_content = (temp * dzt).sum(axis=-1)
print("heat content", heat_content.shape, heat_content.mean().round(6), heat_content.std().round(6))
print(f"summary: {nx}x{ny}x{nz} cells, mean density {rho.mean():.8f}, mean slope {abs(sxe).mean():.3e}")
